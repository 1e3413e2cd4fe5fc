import { type Category, type EventCatalogue, releaseEvents, type ServiceName } from '@railyard/contracts';

/** One aggregate's events as the catalogue documents them: the owning service, the stream category, its events. */
export interface CatalogueEntry {
  service: ServiceName;
  category: Category;
  catalogue: EventCatalogue;
}

/**
 * Every event catalogue the docs cover, in the order docs/events.md lists them. A new service adds a line here
 * once its catalogue is exported from @railyard/contracts (and its category from CATEGORY_OWNERS).
 */
export const CATALOGUES: readonly CatalogueEntry[] = [
  { service: 'planning', category: 'release', catalogue: releaseEvents },
];
