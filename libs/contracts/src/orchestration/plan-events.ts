import { z } from 'zod';
import { defineEvent, Roles } from '../envelope.js';
import { EnvironmentName, ServiceNameSchema } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * Rollout plans (O1, O6): a release's services, the API contracts each provides and consumes, and the waves derived
 * from that graph. Stream `rolloutPlan-<id>`. Monitoring learns the dependency graph from `RolloutPlanCreated` (M3:
 * a consumer depends on the provider of an API it consumes); governance learns the lead. Orchestration adds the
 * events of the plan's execution (waves, commands, migrations, runbook, escalation) to this catalogue.
 */

/** An API contract name, e.g. `orders-api`. */
export const ApiName = z.string().regex(/^[a-z][a-z0-9._-]{0,99}$/, 'a lowercase API contract name');
/** A semver version (https://semver.org), e.g. `2.1.0`. */
export const SemverVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'a semver version such as 2.1.0');
/** A semver range in node-semver's syntax, e.g. `^2.1.0` or `>=1.4 <3`. */
export const SemverRange = z.string().min(1).max(200);

export const PlannedService = z.strictObject({
  service: ServiceNameSchema,
  version: z.string().min(1).max(256).describe('The artifact version the plan deploys.'),
  provides: z.array(z.strictObject({ api: ApiName, version: SemverVersion })).max(100),
  consumes: z.array(z.strictObject({ api: ApiName, range: SemverRange })).max(100),
});
export type PlannedService = z.infer<typeof PlannedService>;

export const RolloutPlanCreated = defineEvent(
  'RolloutPlanCreated',
  z.strictObject({
    planId: z.uuid(),
    releaseId: z.uuid(),
    environments: z.array(EnvironmentName).min(1).max(20).describe('Deployed in this order, each wave by wave.'),
    services: z.array(PlannedService).min(1).max(200),
    waves: z
      .array(z.array(ServiceNameSchema).min(1))
      .min(1)
      .describe('Derived from the contract graph: providers before the consumers that need their new version.'),
    lead: z.string().min(1).max(200).describe('The deployment lead (O6).'),
    escalation: z
      .array(z.string().min(1).max(200))
      .max(20)
      .describe('Who is asked next when the lead does not answer.'),
    ackTimeoutMinutes: z.number().int().min(1).max(1440),
    createdBy: z.string().min(1).max(200),
    reason: z.string().max(2000),
  }),
  'A rollout plan for a release: its services and their API contracts, the waves derived from them, and its lead.',
);

// ---- Execution (orchestration part 2): what happens to a plan after it is created. ----

const planId = z.uuid();
const by = z.string().min(1).max(200);
const reason = z.string().max(2000);
const at = z.iso.datetime({ offset: true });
const stage = z
  .number()
  .int()
  .min(0)
  .describe('Position in the plan: environment index × number of waves + wave index (0-based).');
const wave = z.number().int().min(0).describe('0-based wave index.');

/** A runbook step's kind (O5): the usual ones, or anything the user defines. */
export const RunbookStepKind = z.enum(['dns-update', 'cache-invalidation', 'enable-monitoring', 'custom']);
export const RunbookStep = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lowercase step id'),
  kind: RunbookStepKind,
  title: z.string().min(1).max(200),
  ownerRole: z.enum(Roles).describe('Only a holder of this role (or admin) records the step.'),
  validation: z.string().min(1).max(2000).describe('How the owner checks the step worked, e.g. `dig +short …`.'),
  mandatory: z.boolean(),
  environment: EnvironmentName.optional().describe('The environment it concerns; must be one of the plan’s.'),
  service: ServiceNameSchema.optional().describe('The service it concerns; must be one of the plan’s.'),
});
export type RunbookStep = z.infer<typeof RunbookStep>;
export const Runbook = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'a lowercase runbook name'),
  version: z.number().int().min(1).describe('The checklist’s version; a changed checklist is a new version.'),
  steps: z.array(RunbookStep).min(1).max(100),
});
export type Runbook = z.infer<typeof Runbook>;

/** A flag a plan turns on after a wave and/or kills on rollback (O4 in rollouts). */
export const PlanFlag = z.strictObject({
  key: z.string().min(1).max(128),
  enableAfterWave: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe('1-based wave after which (in the last environment of the plan) the flag is enabled; null: never.'),
  killOnRollback: z.boolean(),
});
export type PlanFlag = z.infer<typeof PlanFlag>;

export const RunbookAttached = defineEvent(
  'RunbookAttached',
  z.strictObject({ planId, runbook: Runbook }),
  'The plan’s runbook (a versioned checklist), pre-validated against the plan’s environments and services.',
);
export const PlanFlagsDeclared = defineEvent(
  'PlanFlagsDeclared',
  z.strictObject({ planId, flags: z.array(PlanFlag).min(1).max(100) }),
  'Flags the plan enables after a wave and kills on rollback.',
);
export const RolloutPlanPromoted = defineEvent(
  'RolloutPlanPromoted',
  z.strictObject({ planId, by, reason }),
  'The plan was started (promoted out of `planned`): its first wave opens.',
);
export const PlanWaveStarted = defineEvent(
  'PlanWaveStarted',
  z.strictObject({ planId, stage, environment: EnvironmentName, wave, services: z.array(ServiceNameSchema).min(1) }),
  'A wave opened in an environment: its deployments may start.',
);
export const PlanWaveCompleted = defineEvent(
  'PlanWaveCompleted',
  z.strictObject({ planId, stage, environment: EnvironmentName, wave, deploymentIds: z.array(z.uuid()) }),
  'Every deployment of the wave succeeded.',
);
export const PlanWaveFailed = defineEvent(
  'PlanWaveFailed',
  z.strictObject({
    planId,
    stage,
    environment: EnvironmentName,
    wave,
    deploymentId: z.uuid(),
    service: ServiceNameSchema,
    reason,
  }),
  'A deployment of the open wave failed: the plan waits for the lead (retry, abort or roll back).',
);
export const PlanDeploymentJoined = defineEvent(
  'PlanDeploymentJoined',
  z.strictObject({
    planId,
    deploymentId: z.uuid(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    version: z.string().min(1).max(256),
    rollbackTo: z.string().min(1).max(256).nullable(),
    stage,
  }),
  'A deployment scheduled for this plan (learned from its DeploymentScheduled).',
);
export const PlanDeploymentProgressed = defineEvent(
  'PlanDeploymentProgressed',
  z.strictObject({
    planId,
    deploymentId: z.uuid(),
    status: z.enum(['started', 'succeeded', 'failed', 'rolled-back', 'rollback-failed']),
    eventId: z.uuid().describe('The deployment event this was learned from.'),
  }),
  'A deployment of the plan moved on (learned from the deployment’s events).',
);
export const RolloutPlanPaused = defineEvent(
  'RolloutPlanPaused',
  z.strictObject({ planId, by, reason }),
  'The lead paused the plan: no further wave opens until it is resumed.',
);
export const RolloutPlanResumed = defineEvent(
  'RolloutPlanResumed',
  z.strictObject({ planId, by, reason }),
  'The lead resumed the plan.',
);
export const RolloutPlanAborted = defineEvent(
  'RolloutPlanAborted',
  z.strictObject({ planId, by, reason }),
  'The lead aborted the plan: no further deployment of it is admitted.',
);
export const RolloutPlanRetried = defineEvent(
  'RolloutPlanRetried',
  z.strictObject({ planId, by, reason, stage }),
  'The failed wave is tried again: new deployments of it are admitted.',
);
export const RolloutPlanAwaitingRunbook = defineEvent(
  'RolloutPlanAwaitingRunbook',
  z.strictObject({ planId, openSteps: z.array(z.string()).min(1) }),
  'Every wave is done, but mandatory runbook steps are still open: the plan cannot complete yet.',
);
export const RolloutPlanCompleted = defineEvent(
  'RolloutPlanCompleted',
  z.strictObject({ planId, completedAt: at }),
  'Every wave succeeded in every environment and no mandatory runbook step is open.',
);
export const RunbookStepRecorded = defineEvent(
  'RunbookStepRecorded',
  z.strictObject({
    planId,
    stepId: z.string().min(1).max(64),
    outcome: z.enum(['done', 'skipped', 'failed']),
    reason,
    evidence: z.string().max(4000).nullable(),
    by,
  }),
  'A runbook step’s outcome, by its owner: done, skipped (with a reason) or failed.',
);

/** One step of a plan's compensation (R1): derived from the plan's waves, its migrations and its flags. */
export const PlanRollbackStep = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('kill-flag'), key: z.string().min(1).max(128) }),
  z.strictObject({
    kind: z.literal('rollback-deployment'),
    stage,
    deploymentId: z.uuid(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    from: z.string(),
    to: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('down-migration'),
    stage,
    migrationId: z.string(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    down: z.string(),
  }),
  z.strictObject({
    kind: z.literal('refused'),
    stage,
    deploymentId: z.uuid(),
    service: ServiceNameSchema,
    environment: EnvironmentName,
    migrationId: z.string(),
    reason,
  }),
]);
export type PlanRollbackStep = z.infer<typeof PlanRollbackStep>;

export const PlanRollbackStarted = defineEvent(
  'PlanRollbackStarted',
  z.strictObject({ planId, by, reason, steps: z.array(PlanRollbackStep).max(2000) }),
  'The lead rolls the plan back: flags killed, completed waves reversed in reverse order, down migrations run.',
);
export const PlanRollbackStepRecorded = defineEvent(
  'PlanRollbackStepRecorded',
  z.strictObject({
    planId,
    index: z.number().int().min(0),
    outcome: z.enum(['requested', 'done', 'failed', 'refused']),
    detail: reason,
  }),
  'One compensation step was requested, done, failed or refused.',
);
export const RolloutPlanRolledBack = defineEvent(
  'RolloutPlanRolledBack',
  z.strictObject({ planId, refusedSteps: z.number().int().min(0), failedSteps: z.number().int().min(0) }),
  'Every compensation step has an outcome.',
);
export const LeadDecisionRequested = defineEvent(
  'LeadDecisionRequested',
  z.strictObject({
    planId,
    decisionId: z.string().min(1).max(200),
    kind: z.enum(['canary-paused', 'wave-failed']),
    deploymentId: z.uuid().nullable(),
    askedOf: by,
    level: z.number().int().min(0).describe('0: the lead; n: the nth person of the escalation list.'),
    dueAt: at,
    detail: reason,
  }),
  'A decision is needed from the lead (O6): a canary paused until promoted, a wave that failed.',
);
export const LeadDecisionEscalated = defineEvent(
  'LeadDecisionEscalated',
  z.strictObject({
    planId,
    decisionId: z.string().min(1).max(200),
    from: by,
    to: by,
    level: z.number().int().min(1),
    dueAt: at.nullable().describe('When it escalates again; null: nobody left in the list.'),
  }),
  'Nobody acknowledged in time: the next person of the escalation list is asked.',
);
export const LeadDecisionAcknowledged = defineEvent(
  'LeadDecisionAcknowledged',
  z.strictObject({ planId, decisionId: z.string().min(1).max(200), by, note: reason }),
  'Whoever was asked (or an admin) acknowledged the decision.',
);
export const PlanFlagTurnedOn = defineEvent(
  'PlanFlagTurnedOn',
  z.strictObject({ planId, key: z.string().min(1).max(128), afterWave: z.number().int().min(1), detail: reason }),
  'The plan enabled a flag after its wave completed.',
);

/** The rollout plan aggregate's catalogue (`rolloutPlan-<id>`). */
export const rolloutPlanEvents = {
  RolloutPlanCreated,
  RunbookAttached,
  PlanFlagsDeclared,
  RolloutPlanPromoted,
  PlanWaveStarted,
  PlanWaveCompleted,
  PlanWaveFailed,
  PlanDeploymentJoined,
  PlanDeploymentProgressed,
  RolloutPlanPaused,
  RolloutPlanResumed,
  RolloutPlanAborted,
  RolloutPlanRetried,
  RolloutPlanAwaitingRunbook,
  RolloutPlanCompleted,
  RunbookStepRecorded,
  PlanRollbackStarted,
  PlanRollbackStepRecorded,
  RolloutPlanRolledBack,
  LeadDecisionRequested,
  LeadDecisionEscalated,
  LeadDecisionAcknowledged,
  PlanFlagTurnedOn,
} as const;

type DataOf<D> = D extends { schema: infer S extends z.ZodType } ? z.infer<S> : never;
export type RolloutPlanEvent = {
  [K in keyof typeof rolloutPlanEvents]: { type: K; data: DataOf<(typeof rolloutPlanEvents)[K]> };
}[keyof typeof rolloutPlanEvents];

// ---- Database migrations (O2): `serviceSchema-<service>`, one stream per service's schema. ----

export const MigrationKind = z.enum(['expand', 'migrate', 'contract']);
export const MigrationId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a lowercase migration id');

export const MigrationRegistered = defineEvent(
  'MigrationRegistered',
  z.strictObject({
    service: ServiceNameSchema,
    migrationId: MigrationId,
    sequence: z.number().int().min(1).describe('The migration’s version in the service’s schema, increasing.'),
    kind: MigrationKind,
    planId,
    compatibleWith: SemverRange.describe('The application versions that work with the schema after it.'),
    consumers: z.array(ServiceNameSchema).min(1).max(100).describe('Services that read or write this schema.'),
    down: z.string().min(1).max(20_000).nullable().describe('The pre-staged down migration; null when irreversible.'),
    irreversible: z.boolean(),
    by,
  }),
  'A migration of a service’s schema, staged for a rollout plan, with its down migration or marked irreversible.',
);
export const MigrationRunRecorded = defineEvent(
  'MigrationRunRecorded',
  z.strictObject({
    service: ServiceNameSchema,
    migrationId: MigrationId,
    planId,
    environment: EnvironmentName,
    direction: z.enum(['up', 'down']),
    outcome: z.enum(['succeeded', 'failed']),
    executor: z.string().min(1).max(200).describe('What ran it (a migration job, a person).'),
    detail: reason,
  }),
  'An executor ran a migration (up or down) in an environment, with its outcome.',
);

/** The service schema aggregate's catalogue (`serviceSchema-<service>`). */
export const serviceSchemaEvents = { MigrationRegistered, MigrationRunRecorded } as const;
export type ServiceSchemaEvent = {
  [K in keyof typeof serviceSchemaEvents]: { type: K; data: DataOf<(typeof serviceSchemaEvents)[K]> };
}[keyof typeof serviceSchemaEvents];

/** `serviceSchema-<service>`: the migrations of one service's database schema and their runs per environment. */
export const serviceSchemaStream = (service: string) => streamName('serviceSchema', service);

/** `rolloutPlan-<id>`: one release's rollout across services and environments. */
export const rolloutPlanStream = (id: string) => streamName('rolloutPlan', id);
