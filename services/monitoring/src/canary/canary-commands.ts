import {
  CanaryJudgementResult,
  CanarySubject,
  canaryJudgementEvents,
  type EventCatalogue,
  streamName,
} from '@railyard/contracts';
import { createCommandHandler, type EventStore, loadAggregate } from '@railyard/eventstore';
import { schemaComponent } from '@railyard/service-kit';
import { z } from 'zod';
import { canaryJudgementDecider } from './domain/canary-judgement.js';

const catalogue = canaryJudgementEvents as unknown as EventCatalogue;

export const judgementStream = (id: string) => streamName('canaryJudgement', id);
export const createJudgementCommands = (store: EventStore) =>
  createCommandHandler({ store, decider: canaryJudgementDecider, catalogue });
export type JudgementCommands = ReturnType<typeof createJudgementCommands>;
export const loadJudgement = (store: EventStore, id: string) =>
  loadAggregate(store, canaryJudgementDecider, catalogue, judgementStream(id));

export const JudgementView = schemaComponent(
  'CanaryJudgement',
  CanaryJudgementResult.extend({
    judgementId: z.uuid(),
    subject: CanarySubject,
    judgedBy: z.string(),
  }),
);
