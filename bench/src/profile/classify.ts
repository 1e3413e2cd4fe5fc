/** A V8 CPU profile as `node --cpu-prof` writes it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * The command path's stages, recognised by the code a sample is in. A sample counts for the stage of the nearest
 * frame (from the leaf up) that belongs to one, so time spent in Node internals on behalf of pg counts as pg's.
 * Order matters: the first pattern that matches a frame names its stage.
 */
const STAGES: [string, RegExp][] = [
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream|fast-redact)\/|service-kit\/dist\/logging/],
  ['tracing (OpenTelemetry)', /node_modules\/@opentelemetry\/|node_modules\/@fastify\/otel\//],
  ['auth (JWT, roles)', /node_modules\/jose\/|service-kit\/dist\/auth/],
  [
    'flag evaluation (flagd-core, snapshot)',
    /node_modules\/(@openfeature\/flagd-core|json-logic-engine)\/|flags\/flag-snapshot/,
  ],
  ['OFREP route', /flags\/ofrep\//],
  ['load generator (undici client)', /node_modules\/undici\/|bench\/dist\/(http-client|measure)/],
  ['rate limit', /node_modules\/@fastify\/rate-limit\//],
  ['validation (zod, text rule)', /node_modules\/zod\/|fastify-type-provider-zod|service-kit\/dist\/storable-text/],
  ['metrics (prom-client)', /node_modules\/prom-client\/|service-kit\/dist\/metrics/],
  ['relay (store → NATS)', /messaging\/dist\/|node_modules\/@nats-io\//],
  ['projection (read model)', /readmodels\/dist\/|node_modules\/kysely\//],
  ['fold + decide', /eventstore\/dist\/(command-handler|catalogue)|planning\/dist\/src\/releases\/domain/],
  ['response (views, serialise)', /planning\/dist\/src\/releases\/(release-view|plan-release)|fast-json-stringify/],
  ['load + append (pg driver, store)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\/|eventstore\/dist\/postgres/],
  [
    'HTTP (fastify, node:http)',
    /node_modules\/(fastify|find-my-way|avvio|light-my-request|@fastify\/)|_http_|node:http/,
  ],
];

/** Milliseconds of CPU per stage, plus `(garbage collector)`, `(idle)` and `other`. */
export function classify(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let stage: string | undefined;
    if (name === '(garbage collector)' || name === '(idle)' || name === '(program)') stage = name;
    else stage = STAGES.find(([, re]) => re.test(node.callFrame.url))?.[0];
    if (!stage) {
      const up = parent.get(id);
      stage = up === undefined ? 'other (Node internals, event loop)' : resolve(up);
    }
    stageOf.set(id, stage);
    return stage;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const stage = resolve(id);
    totals.set(stage, (totals.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}
