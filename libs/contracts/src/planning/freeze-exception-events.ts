import { z } from 'zod';
import { defineEvent } from '../envelope.js';
import { ScopeItemKind } from './scope-kind.js';

/** The one change a freeze exception allows (used once). */
export const ExceptionChange = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('add-scope-item'),
    title: z.string().min(1).max(300),
    team: z.string().min(1).max(100),
    kind: ScopeItemKind,
  }),
  z.strictObject({ action: z.literal('remove-scope-item'), itemId: z.uuid() }),
  z.strictObject({ action: z.literal('freeze-with-open-dependency'), dependencyId: z.uuid() }),
]);
export type ExceptionChange = z.infer<typeof ExceptionChange>;

export const FreezeCutoffSet = defineEvent(
  'FreezeCutoffSet',
  z.strictObject({
    releaseId: z.uuid(),
    cutoffAt: z.iso.datetime({ offset: true }),
    setBy: z.string().min(1).max(200),
  }),
  'The code-freeze cutoff set on the release itself (a train slot brings its own): after it, scope changes need an approved exception.',
);

export const FreezeExceptionRequested = defineEvent(
  'FreezeExceptionRequested',
  z.strictObject({
    releaseId: z.uuid(),
    exceptionId: z.uuid(),
    change: ExceptionChange,
    justification: z.string().min(1).max(2000),
    requestedBy: z.string().min(1).max(200),
  }),
  'Someone asked to make one named change despite the freeze, and said why.',
);

export const FreezeExceptionDecided = defineEvent(
  'FreezeExceptionDecided',
  z.strictObject({
    releaseId: z.uuid(),
    exceptionId: z.uuid(),
    decision: z.enum(['approved', 'denied']),
    reason: z.string().max(2000).optional(),
    decidedBy: z.string().min(1).max(200),
  }),
  'A release manager or CAB member (not the requester) approved or denied a freeze exception.',
);

export const FreezeExceptionUsed = defineEvent(
  'FreezeExceptionUsed',
  z.strictObject({
    releaseId: z.uuid(),
    exceptionId: z.uuid(),
    itemId: z.uuid().optional(),
    dependencyId: z.uuid().optional(),
  }),
  'An approved exception was spent on the change it names; it allows nothing more.',
);

export const freezeExceptionEvents = {
  FreezeCutoffSet,
  FreezeExceptionRequested,
  FreezeExceptionDecided,
  FreezeExceptionUsed,
} as const;
