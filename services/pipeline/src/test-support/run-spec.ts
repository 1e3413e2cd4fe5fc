import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type PipelineRunEvent,
  pipelineRunEvents,
  SecurityPolicyVersioned,
  type SecurityRule,
} from '@railyard/contracts';
import {
  event,
  type HttpSpecification,
  httpSpecification,
  type InjectRequest,
  type SpecEvent,
} from '@railyard/testing';
import { policyIdOf } from '../gates/gate-commands.js';
import { artifact, at, started } from '../runs/domain/run.examples.js';
import { runStream } from '../runs/run-commands.js';
import { type PipelineFixture, startPipeline } from './pipeline-fixture.js';

/**
 * The run decider's vocabulary (run.examples.ts) for HTTP specifications: the same events, on the stream of a fresh
 * run each time, so the specifications of one file share a database without sharing a run.
 */
export function runEventsOf(runId: string, events: readonly PipelineRunEvent[]): SpecEvent[] {
  return events.map((e) => event(pipelineRunEvents[e.type], { ...e.data, runId }));
}

/** run.examples' PipelineRunStarted with some of its data replaced (another service, another policy). */
export const startedWith = (data: Partial<(typeof started)['data']>): PipelineRunEvent => ({
  ...started,
  data: { ...started.data, ...data },
});

/** A version of a security policy, as a given (or expected) event of `policyStream(name)`. */
export const policyVersioned = (name: string, rules: SecurityRule[], version = 1, reason = `Version ${version}.`) =>
  event(SecurityPolicyVersioned, { policyId: policyIdOf(name), name, version, rules, reason });

/** No critical finding allowed. */
export const noCritical: SecurityRule = {
  id: 'no-critical',
  description: 'no critical finding',
  expression: "finding.severity == 'critical'",
  maxCount: 0,
};

export interface RunSpecFixture {
  f: PipelineFixture;
  /** A fresh run id and its stream. */
  fresh(): { id: string; stream: string };
  /** A specification whose history is `events` on run `id`'s stream. */
  given(id: string, ...events: PipelineRunEvent[]): HttpSpecification;
  /** A specification with no history. */
  spec(): HttpSpecification;
  /** A request by `actor`, for `when` (its bearer token is signed when the specification runs). */
  request(method: InjectRequest['method'], url: string, actor: Actor, payload?: unknown): () => Promise<InjectRequest>;
  close(): Promise<void>;
}

/**
 * The pipeline service with its clock stopped at run.examples' `at`. With `artifactKnown`, run.examples' artifact
 * (payments-api@2.3.1) is published as the artifact service would and awaited in the gate read model, so a deploy
 * stage's artifact gate passes.
 */
export async function startRunSpecs(label: string, options: { artifactKnown?: boolean } = {}): Promise<RunSpecFixture> {
  const f = await startPipeline(label);
  f.clock.now = at;
  if (options.artifactKnown) {
    await f.publishArtifact(artifact);
    await f.until(`${artifact.name}@${artifact.version} in the gate read model`, async () => {
      const { rowCount } = await f.pool.query('SELECT 1 FROM pipeline.artifact_gates WHERE name = $1', [artifact.name]);
      return rowCount ? true : undefined;
    });
  }
  return {
    f,
    fresh() {
      const id = randomUUID();
      return { id, stream: runStream(id) };
    },
    given(id, ...events) {
      return httpSpecification(f).given(runStream(id), ...runEventsOf(id, events));
    },
    spec: () => httpSpecification(f),
    request: (method, url, actor, payload) => async () => ({
      method,
      url,
      headers: await f.auth(actor.id, actor.roles),
      ...(payload === undefined ? {} : { payload }),
    }),
    close: () => f.close(),
  };
}
