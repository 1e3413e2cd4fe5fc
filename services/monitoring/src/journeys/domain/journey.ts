import {
  type Actor,
  invalid,
  type JourneyAssertion,
  type JourneyDefinition,
  type JourneyStep,
  type journeyEvents,
  MonitoringErrorCodes,
} from '@railyard/contracts';
import type { Decider } from '@railyard/eventstore';
import { JSONPath } from 'jsonpath-plus';

const VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The `{{var}}` names a string uses. */
const varsIn = (text: string) => [...text.matchAll(VAR)].map((m) => m[1]!);

/** Every string a step's request templates: URL, header values, and the strings inside the body. */
function templatedStrings(step: JourneyStep): string[] {
  const out = [step.request.url, ...Object.values(step.request.headers)];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(step.request.body);
  return out;
}

/**
 * A journey is valid when each step uses only variables known by then: the journey's own, or those extracted by an
 * earlier step. An unknown one is refused before anything runs (422 `MONITORING_JOURNEY_VARIABLE_UNKNOWN`).
 */
export function checkVariables(definition: JourneyDefinition): void {
  const known = new Set(Object.keys(definition.variables));
  definition.steps.forEach((step, index) => {
    for (const name of templatedStrings(step).flatMap(varsIn)) {
      if (!known.has(name)) {
        throw invalid(
          MonitoringErrorCodes.JOURNEY_VARIABLE_UNKNOWN,
          `Step ${index} (${step.name}) uses {{${name}}}, which no earlier step extracts and the journey does not define.`,
          { step: index, variable: name },
        );
      }
    }
    for (const e of step.extract) known.add(e.var);
  });
}

/** Replaces `{{var}}` in a string (variables are checked beforehand). */
export const render = (text: string, vars: Record<string, string>) =>
  text.replace(VAR, (_m, name: string) => vars[name] ?? '');

/** Renders every string inside a JSON body. */
export function renderJson(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return render(value, vars);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, vars)]));
  }
  return value;
}

/** The first value a JSONPath selects (jsonpath-plus, script evaluation off), or undefined. */
export function select(json: unknown, path: string): unknown {
  if (json === undefined) return undefined;
  const found = JSONPath({ path, json: json as object, wrap: true, eval: false }) as unknown[];
  return found[0];
}

/** A step's response as the assertions see it. */
export interface StepResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
  latencyMs: number;
}

const show = (v: unknown) => (v === undefined ? null : (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 2000));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One assertion against a response: what was asserted, whether it held, and what was seen. */
export function checkAssertion(a: JourneyAssertion, r: StepResponse) {
  switch (a.kind) {
    case 'status':
      return { assertion: `status = ${a.equals}`, passed: r.status === a.equals, actual: String(r.status) };
    case 'header': {
      const value = r.headers[a.name.toLowerCase()];
      const passed =
        value !== undefined &&
        (a.equals === undefined || value === a.equals) &&
        (a.contains === undefined || value.includes(a.contains));
      const what =
        a.equals !== undefined ? `= ${a.equals}` : a.contains !== undefined ? `contains ${a.contains}` : 'present';
      return { assertion: `header ${a.name} ${what}`, passed, actual: show(value) };
    }
    case 'json': {
      const value = select(r.json, a.path);
      return { assertion: `${a.path} = ${show(a.equals)}`, passed: sameJson(value, a.equals), actual: show(value) };
    }
    case 'text':
      return { assertion: `body contains ${a.contains}`, passed: r.text.includes(a.contains), actual: null };
    case 'latency':
      return {
        assertion: `latency ≤ ${a.maxMs} ms`,
        passed: r.latencyMs <= a.maxMs,
        actual: `${Math.round(r.latencyMs)} ms`,
      };
  }
}

/** Extracts a step's variables from its response; a missing one is an error of the step. */
export function extractVariables(
  step: JourneyStep,
  r: StepResponse,
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const e of step.extract) {
    const v = e.from === 'header' ? r.headers[e.path.toLowerCase()] : select(r.json, e.path);
    if (v === undefined || v === null) missing.push(e.var);
    else values[e.var] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { values, missing };
}

type DataOf<D> = D extends { schema: { _output: infer O } } ? O : never;
export type JourneyEvent = { type: 'JourneyDefined'; data: DataOf<(typeof journeyEvents)['JourneyDefined']> };
export type JourneyState = { exists: false } | { exists: true; name: string; definition: JourneyDefinition };
export interface DefineJourney {
  type: 'DefineJourney';
  actor: Actor;
  name: string;
  definition: JourneyDefinition;
}

/** A journey's definition (`journey-<name>`): defining it again replaces it. */
export const journeyDecider: Decider<DefineJourney, JourneyEvent, JourneyState> = {
  initialState: { exists: false },
  evolve: (_state, event) => ({ exists: true, name: event.data.name, definition: event.data.definition }),
  decide(command) {
    checkVariables(command.definition);
    return [
      {
        type: 'JourneyDefined',
        data: { name: command.name, definition: command.definition, definedBy: command.actor.id },
      },
    ];
  },
};
