import { CATEGORIES, type Category, type EventCatalogue, type ServiceName } from '@railyard/contracts';

/** One aggregate's events as the catalogue documents them: the owning service, the stream category, its events. */
export interface CatalogueEntry {
  service: ServiceName;
  category: Category;
  catalogue: EventCatalogue;
}

/**
 * Every event catalogue the docs cover, in the order docs/events.md lists them: every category of the contracts
 * (CATEGORY_OWNERS and CATEGORY_CATALOGUES in @railyard/contracts), so a new category needs no line here.
 */
export const CATALOGUES: readonly CatalogueEntry[] = CATEGORIES.map(({ category, owner, catalogue }) => ({
  service: owner,
  category,
  catalogue,
}));
