import {
  OrchestrationErrorCodes as Codes,
  type DeploymentCheckResult,
  type DeploymentEvent,
  type PreRollbackSnapshot,
} from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { type DeploymentCommand, deploymentDecider } from './deployment.decide.js';
import type { DeploymentSubject } from './deployment.js';
import { expandStrategy } from './strategy-steps.js';

const ID = '0193a000-0000-7000-8000-000000000001';
const artifact = { name: 'checkout', version: '2.0.0', sha256: 'a'.repeat(64) };
const previous = { name: 'checkout', version: '1.0.0', sha256: 'b'.repeat(64) };
const subject: DeploymentSubject = {
  deploymentId: ID,
  runId: '0193a000-0000-7000-8000-0000000000aa',
  stage: 2,
  releaseId: null,
  planId: null,
  service: 'checkout',
  environment: 'prod',
  environmentTier: 'prod',
  artifact,
};
const strategy = { type: 'canary' as const, steps: [{ weight: 20, pauseMinutes: 0 }] };
const steps = expandStrategy(strategy, { keepMinutes: 0 });
const passed: DeploymentCheckResult[] = [
  { check: 'window', passed: true, reason: 'No deployment window applies.' },
  { check: 'booking', passed: true, reason: 'Free.' },
];
const request = (over: Partial<Extract<DeploymentCommand, { type: 'Request' }>> = {}): DeploymentCommand => ({
  type: 'Request',
  subject,
  strategy,
  rollbackTarget: previous,
  commits: [],
  requestedAt: '2026-12-01T09:00:00.000Z',
  checks: passed,
  admission: { decision: 'start', reason: 'No rollout plan covers this deployment.' },
  driver: 'webhook',
  steps,
  ...over,
});
const d = spec(deploymentDecider);
/** What the command records on the given history (for assertions on part of the events). */
const decided = (given: readonly DeploymentEvent[], c: DeploymentCommand): DeploymentEvent[] =>
  deploymentDecider.decide(c, given.reduce(deploymentDecider.evolve, deploymentDecider.initialState));
const run = (cmds: DeploymentCommand[]): DeploymentEvent[] => {
  const events: DeploymentEvent[] = [];
  for (const c of cmds) events.push(...decided(events, c));
  return events;
};
const begin = (step: number): DeploymentCommand => ({ type: 'BeginStep', step, requestId: `req-${step}` });
const complete = (step: number, outcome: 'succeeded' | 'failed' = 'succeeded', callbackId = `cb-${step}`) =>
  ({
    type: 'CompleteStep',
    requestId: `req-${step}`,
    step,
    callbackId,
    outcome,
    live: { version: '2.0.0', weight: step === 0 ? 20 : 100 },
    detail: 'done',
    startedAt: '2026-12-01T09:00:00.000Z',
  }) as DeploymentCommand;
const snapshot: PreRollbackSnapshot = { takenAt: '2026-12-01T09:05:00.000Z', live: [], flags: [], metrics: null };
const trigger = { kind: 'monitoring' as const, triggerId: 'trig-1', by: 'monitoring' };

describe('a requested deployment', () => {
  it('is scheduled and started with its steps when every check passes', () => {
    const events = decided([], request());
    expect(events.map((e) => e.type)).toEqual(['DeploymentScheduled', 'DeploymentStarted']);
    expect(events[1]).toMatchObject({ data: { driver: 'webhook', steps } });
  });
  it('is refused with every failed check’s reason', () => {
    const checks: DeploymentCheckResult[] = [
      { check: 'window', passed: false, reason: 'Blocked by the freeze.' },
      { check: 'booking', passed: false, reason: 'Booked by release r2.' },
    ];
    const events = decided([], request({ checks }));
    expect(events[1]).toMatchObject({
      type: 'DeploymentRefused',
      data: { checks, reason: 'Blocked by the freeze. Booked by release r2.' },
    });
  });
  it('into prod, names the grant it went ahead on, and is refused without one (G2)', () => {
    const held: DeploymentCheckResult = {
      check: 'grant',
      passed: true,
      reason: 'dev-eve holds deploy grant g-1 on prod.',
    };
    const [scheduled] = decided([], request({ checks: [...passed, held] }));
    expect(scheduled).toMatchObject({
      type: 'DeploymentScheduled',
      data: {
        reason: `checkout@2.0.0 to prod was requested by run ${subject.runId}. dev-eve holds deploy grant g-1 on prod.`,
      },
    });
    const missing: DeploymentCheckResult = {
      check: 'grant',
      passed: false,
      reason: `${Codes.GRANT_REQUIRED}: dev-eve held no deploy grant on prod at 2026-12-01T09:00:00.000Z.`,
    };
    const refused = decided([], request({ checks: [...passed, missing] }));
    expect(refused.map((e) => e.type)).toEqual(['DeploymentScheduled', 'DeploymentRefused']);
    expect(refused[1]?.data).toMatchObject({ checks: [...passed, missing], reason: missing.reason });
  });
  it('waits for its wave, and a release starts it once', () => {
    const waiting = run([request({ admission: { decision: 'wait', reason: 'wave 2' } })]);
    expect(waiting.map((e) => e.type)).toEqual(['DeploymentScheduled']);
    const release: DeploymentCommand = { type: 'Release', driver: 'webhook', steps, reason: 'Wave 2 opened.' };
    const started = run([request({ admission: { decision: 'wait', reason: 'wave 2' } }), release]);
    expect(started.at(-1)?.type).toBe('DeploymentStarted');
    d.given(started).when(release).thenNothing();
  });
  it('is requested once: a redelivered request changes nothing', () => {
    d.given(run([request()]))
      .when(request())
      .thenNothing();
  });
});

describe('when running', () => {
  const running = run([request()]);
  it('sends the steps in order and succeeds after the last', () => {
    d.given(running).when(begin(1)).thenThrows(Codes.STEP_OUT_OF_ORDER);
    const afterAll = run([request(), begin(0), complete(0), begin(1), complete(1)]);
    expect(afterAll.slice(-2).map((e) => e.type)).toEqual(['DeploymentStepCompleted', 'DeploymentSucceeded']);
  });
  it('refuses an outcome for a step that was never started', () => {
    d.given(running).when(complete(0)).thenThrows(Codes.STEP_NOT_STARTED);
  });
  it('ignores a replayed callback and a second answer for the same step', () => {
    const answered = run([request(), begin(0), complete(0)]);
    d.given(answered).when(complete(0)).thenNothing();
    d.given(answered)
      .when(complete(0, 'failed', 'cb-other'))
      .thenNothing();
  });
  it('fails when a step fails', () => {
    const events = run([request(), begin(0), complete(0, 'failed')]);
    expect(events.at(-1)).toMatchObject({ type: 'DeploymentFailed', data: { failedStep: 0 } });
  });
});

describe('a rollback', () => {
  const succeeded = run([request(), begin(0), complete(0), begin(1), complete(1)]);
  const start: DeploymentCommand = {
    type: 'StartRollback',
    trigger,
    snapshot,
    requestId: 'req-rb',
    reason: 'error rate',
  };
  it('records the snapshot and the rollback step, then the rollback on the agent’s success', () => {
    const started = decided(succeeded, start);
    expect(started).toMatchObject([
      { type: 'DeploymentRollbackStarted', data: { to: previous, trigger, snapshot } },
      { type: 'DeploymentStepStarted', data: { step: { step: 2, action: 'rollback' }, requestId: 'req-rb' } },
    ]);
    const done = decided([...succeeded, ...started], {
      type: 'CompleteStep',
      requestId: 'req-rb',
      step: 2,
      callbackId: 'cb-rb',
      outcome: 'succeeded',
      live: { version: '2.0.0', weight: 0 },
      detail: 'back on 1.0.0',
      startedAt: '2026-12-01T09:00:00.000Z',
    });
    expect(done.at(-1)).toMatchObject({ type: 'DeploymentRolledBack', data: { to: previous, trigger } });
    d.given([...succeeded, ...started])
      .when(start)
      .thenNothing();
  });
  it('is refused for a deployment that never ran', () => {
    const refused = run([request({ checks: [{ check: 'window', passed: false, reason: 'no' }] })]);
    d.given(refused).when(start).thenThrows(Codes.DEPLOYMENT_NOT_ROLLBACKABLE);
  });
  it('refused by a migration is recorded once per trigger', () => {
    const refuse: DeploymentCommand = {
      type: 'RefuseRollback',
      trigger,
      reason: 'Rollback refused by migration m7: contracted.',
    };
    const events = decided(succeeded, refuse);
    expect(events).toMatchObject([
      { type: 'DeploymentRollbackFailed', data: { reason: expect.stringContaining('m7') } },
    ]);
    d.given([...succeeded, ...events])
      .when(refuse)
      .thenNothing();
  });
});

describe('a canary held at a pause until promoted (O6)', () => {
  const held = { type: 'canary' as const, steps: [{ weight: 20, pauseMinutes: 0, pause: 'until-promoted' as const }] };
  const heldSteps = expandStrategy(held, { keepMinutes: 0 });
  const promote = (over: Partial<Extract<DeploymentCommand, { type: 'Promote' }>> = {}): DeploymentCommand => ({
    type: 'Promote',
    by: 'lead-1',
    reason: 'Canary looks healthy.',
    startedAt: '2026-12-01T09:00:00.000Z',
    ...over,
  });
  const atPause = () => run([request({ strategy: held, steps: heldSteps }), begin(0), complete(0), begin(1)]);

  it('expands to a pause with no timer between the canary weight and full promotion', () => {
    expect(heldSteps).toEqual([
      { step: 0, action: 'set-weight', weight: 20 },
      { step: 1, action: 'pause', pauseMinutes: 0 },
      { step: 2, action: 'set-weight', weight: 100 },
    ]);
    // 0 minutes without the new field still means "no pause".
    expect(steps.map((s) => s.action)).toEqual(['set-weight', 'set-weight']);
  });
  it('is promoted once: the promotion completes the pause and the next step follows', () => {
    const events = decided(atPause(), promote());
    expect(events.map((e) => e.type)).toEqual(['DeploymentPromoted', 'DeploymentStepCompleted']);
    expect(events[0]).toMatchObject({ data: { deploymentId: ID, step: 1, by: 'lead-1' } });
    expect(events[1]).toMatchObject({ data: { step: { step: 1, action: 'pause' }, outcome: 'succeeded' } });
    const promoted = [...atPause(), ...events];
    d.given(promoted)
      .when(begin(2))
      .then([
        {
          type: 'DeploymentStepStarted',
          data: { deploymentId: ID, service: 'checkout', environment: 'prod', step: heldSteps[2]!, requestId: 'req-2' },
        },
      ]);
    // A retried promotion of the same step changes nothing; without a step it is refused.
    d.given(promoted)
      .when(promote({ step: 1 }))
      .thenNothing();
    d.given(promoted).when(promote()).thenThrows(Codes.DEPLOYMENT_NOT_HELD);
  });
  it('succeeds on promotion when the pause was the last step', () => {
    const last = {
      type: 'canary' as const,
      steps: [{ weight: 100, pauseMinutes: 0, pause: 'until-promoted' as const }],
    };
    const lastSteps = expandStrategy(last, { keepMinutes: 0 });
    const history = run([request({ strategy: last, steps: lastSteps }), begin(0), complete(0), begin(1)]);
    expect(decided(history, promote()).map((e) => e.type)).toEqual([
      'DeploymentPromoted',
      'DeploymentStepCompleted',
      'DeploymentSucceeded',
    ]);
  });
  it('is refused (409) when the deployment is not held at a pause', () => {
    d.given(run([request({ strategy: held, steps: heldSteps }), begin(0)]))
      .when(promote())
      .thenThrows(Codes.DEPLOYMENT_NOT_HELD);
    d.given(run([request({ strategy: held, steps: heldSteps }), begin(0)]))
      .when(promote({ step: 1 }))
      .thenNothing();
  });
});
