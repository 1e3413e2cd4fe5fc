import {
  type Actor,
  PipelineErrorCodes as Codes,
  type LoadTestMetrics,
  type PerformanceBaselineEvent,
  ruleViolated,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import type { RunState } from '../../runs/domain/run.js';

export interface AcceptedRelease {
  runId: string;
  artifact: { name: string; version: string; sha256: string };
  metrics: LoadTestMetrics;
}
export type BaselineState = { accepted: AcceptedRelease[] };

/** Accept a run's release: the run (folded by the glue) comes in as data, so the rule stays pure. */
export interface AcceptRelease {
  type: 'AcceptRelease';
  actor: Actor;
  at: Date;
  run: RunState;
  reason?: string;
}

export const baselineDecider: Decider<AcceptRelease, PerformanceBaselineEvent, BaselineState> = {
  initialState: { accepted: [] },
  evolve: (state, e) => ({
    accepted: [...state.accepted, { runId: e.data.runId, artifact: e.data.artifact, metrics: e.data.metrics }],
  }),
  decide(c, state) {
    const run = c.run;
    // The baseline moves only when a release is accepted: a run that did not succeed never sets it.
    if (!run.exists || run.status !== 'succeeded') {
      throw ruleViolated(Codes.BASELINE_RUN_NOT_SUCCEEDED, 'Only a succeeded run can be accepted.');
    }
    if (!run.loadTest) throw ruleViolated(Codes.BASELINE_NO_LOAD_TEST, 'The run has no load-test result to keep.');
    if (state.accepted.some((a) => a.runId === run.runId)) return [];
    return [
      {
        type: 'ReleaseAccepted',
        data: {
          service: run.service,
          runId: run.runId,
          artifact: run.artifact,
          metrics: run.loadTest.metrics,
          reason: c.reason ?? `Release ${run.artifact.version} accepted.`,
        },
      },
    ];
  },
};
