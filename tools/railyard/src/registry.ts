import { artifactAggregates, artifactProjections } from '@railyard/artifact/aggregates';
import type { EventCatalogue } from '@railyard/contracts';
import type { DomainEvent } from '@railyard/eventstore';
import { governanceAggregates, governanceProjections } from '@railyard/governance/aggregates';
import { monitoringAggregates, monitoringProjections } from '@railyard/monitoring/aggregates';
import { orchestrationAggregates, orchestrationProjections } from '@railyard/orchestration/aggregates';
import { pipelineAggregates, pipelineProjections } from '@railyard/pipeline/aggregates';
import { planningAggregates, planningProjections } from '@railyard/planning/aggregates';
import type { AnyTransaction, ProjectionOptions } from '@railyard/readmodels';

/** One aggregate's fold, as its owning service exports it (`@railyard/<service>/aggregates`). */
export interface AggregateFold {
  category: string;
  initialState: unknown;
  // Method syntax: each service's evolve takes its own state and event union.
  evolve(state: unknown, event: DomainEvent): unknown;
  catalogue: EventCatalogue;
}

/** One projection as its owning service runs it: what `rebuildProjection` needs besides the store and db. */
export type ProjectionDefinition = Pick<
  ProjectionOptions,
  'name' | 'schema' | 'filter' | 'project' | 'projectBatch'
> & {
  reset(trx: AnyTransaction): Promise<void>;
};

/** The folds of every aggregate, keyed by stream category. */
export const AGGREGATES: ReadonlyMap<string, AggregateFold> = new Map(
  (
    [
      ...planningAggregates,
      ...artifactAggregates,
      ...pipelineAggregates,
      ...orchestrationAggregates,
      ...monitoringAggregates,
      ...governanceAggregates,
    ] as readonly AggregateFold[]
  ).map((a) => [a.category, a]),
);

/** Every projection a rebuild can replay, keyed by its name. */
export const PROJECTIONS: ReadonlyMap<string, ProjectionDefinition> = new Map(
  (
    [
      ...planningProjections,
      ...artifactProjections,
      ...pipelineProjections,
      ...orchestrationProjections,
      ...monitoringProjections,
      ...governanceProjections,
    ] as readonly ProjectionDefinition[]
  ).map((p) => [p.name, p]),
);
