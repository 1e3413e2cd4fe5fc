import {
  type EventCatalogue,
  type JourneyDefinition,
  type JourneyStepChecked,
  journeyRunEvents,
  journeyRunStream,
} from '@railyard/contracts';
import type { CommandContext, EventStore } from '@railyard/eventstore';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { checkAssertion, extractVariables, render, renderJson, type StepResponse } from './domain/journey.js';

type StepResult = z.infer<typeof JourneyStepChecked.schema>;

/** One step over HTTP: the rendered request with its timeout, and the response as the assertions see it. */
async function call(step: JourneyDefinition['steps'][number], vars: Record<string, string>): Promise<StepResponse> {
  const headers = Object.fromEntries(Object.entries(step.request.headers).map(([k, v]) => [k, render(v, vars)]));
  const hasBody = step.request.body !== undefined;
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const started = performance.now();
  const res = await fetch(render(step.request.url, vars), {
    method: step.request.method,
    headers,
    body: hasBody ? JSON.stringify(renderJson(step.request.body, vars)) : undefined,
    signal: AbortSignal.timeout(step.timeoutMs),
    redirect: 'manual',
  });
  const text = await res.text();
  const latencyMs = performance.now() - started;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json, latencyMs };
}

/**
 * Runs a journey's steps in order, passing extracted variables on; a failed step stops the journey unless it says
 * continueOnFailure (the rest are recorded as skipped). Every step result and the run's outcome are appended to
 * `journeyRun-<runId>` in one append.
 */
export async function runJourney(
  store: EventStore,
  name: string,
  definition: JourneyDefinition,
  ctx: CommandContext,
  trigger: { kind: 'manual' | 'deployment' | 'schedule'; deploymentId: string | null; runId?: string },
) {
  const runId = trigger.runId ?? uuidv7();
  const vars: Record<string, string> = { ...definition.variables };
  const steps: StepResult[] = [];
  let stopped = false;
  for (const [index, step] of definition.steps.entries()) {
    const base = { runId, journey: name, index, step: step.name };
    if (stopped) {
      steps.push({
        ...base,
        outcome: 'skipped',
        status: null,
        latencyMs: null,
        assertions: [],
        extracted: [],
        message: 'an earlier step failed',
      });
      continue;
    }
    let result: StepResult;
    try {
      const response = await call(step, vars);
      const assertions = step.assert.map((a) => checkAssertion(a, response));
      const { values, missing } = extractVariables(step, response);
      Object.assign(vars, values);
      const failedAssertions = assertions.filter((a) => !a.passed).length;
      const ok = failedAssertions === 0 && missing.length === 0;
      result = {
        ...base,
        outcome: ok ? 'passed' : 'failed',
        status: response.status,
        latencyMs: Math.round(response.latencyMs * 10) / 10,
        assertions,
        extracted: Object.keys(values),
        message: ok
          ? 'passed'
          : [
              failedAssertions ? `${failedAssertions} assertion(s) failed` : '',
              missing.length ? `nothing to extract for ${missing.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; '),
      };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      result = {
        ...base,
        outcome: 'error',
        status: null,
        latencyMs: null,
        assertions: [],
        extracted: [],
        message: timedOut
          ? `no answer within ${step.timeoutMs} ms`
          : `request failed: ${(error as Error).message}`.slice(0, 2000),
      };
    }
    steps.push(result);
    if (result.outcome !== 'passed' && !step.continueOnFailure) stopped = true;
  }
  const count = (o: StepResult['outcome'][]) => steps.filter((s) => o.includes(s.outcome)).length;
  const completed = {
    runId,
    journey: name,
    service: definition.service,
    outcome: count(['failed', 'error']) === 0 ? ('passed' as const) : ('failed' as const),
    passed: count(['passed']),
    failed: count(['failed', 'error']),
    skipped: count(['skipped']),
    trigger: trigger.kind,
    deploymentId: trigger.deploymentId,
  };
  const catalogue = journeyRunEvents as unknown as EventCatalogue;
  const metadata = {
    occurredAt: ctx.now.toISOString(),
    actor: ctx.actor,
    correlationId: ctx.correlationId,
    causationId: ctx.causationId ?? ctx.correlationId,
    schemaVersion: 1,
  };
  const events = [
    ...steps.map((data) => ({ type: 'JourneyStepChecked', data })),
    { type: 'JourneyRunCompleted', data: completed },
  ].map((e) => ({
    id: uuidv7(),
    type: e.type,
    // An event that does not parse is never appended (DESIGN §4).
    data: catalogue[e.type]!.schema.parse(e.data) as Record<string, unknown>,
    metadata,
  }));
  await store.append(journeyRunStream(runId), events, 'noStream');
  return { ...completed, steps };
}
