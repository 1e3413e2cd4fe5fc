import { invalid, OrchestrationErrorCodes, type PlannedService } from '@railyard/contracts';
import semver from 'semver';

/** A provider → consumer edge: the consumer needs the version of `api` the provider ships in this release. */
export interface ContractEdge {
  provider: string;
  consumer: string;
  api: string;
  range: string;
  version: string;
}

/**
 * The contract graph of a release (O1): for each API a service consumes, the services of the plan that provide it.
 * A consumer whose range the planned provider version does not satisfy is refused, naming both sides; an API no
 * service of the plan provides is the running one, outside this release, and makes no edge. Ranges are node-semver's
 * (the maintained `semver` package), so `^2.1.0`, `>=1.4 <3` and `2.x` mean what npm users expect.
 */
export function contractEdges(services: readonly PlannedService[]): ContractEdge[] {
  const seen = new Set<string>();
  for (const s of services) {
    if (seen.has(s.service)) {
      throw invalid(OrchestrationErrorCodes.PLAN_SERVICE_DUPLICATE, `The service ${s.service} is listed twice.`, {
        service: s.service,
      });
    }
    seen.add(s.service);
  }
  const edges: ContractEdge[] = [];
  for (const consumer of services) {
    for (const { api, range } of consumer.consumes) {
      if (semver.validRange(range) === null) {
        throw invalid(
          OrchestrationErrorCodes.PLAN_RANGE_INVALID,
          `${consumer.service} consumes ${api} with "${range}", which is not a semver range.`,
          { consumer: consumer.service, api, range },
        );
      }
      const providers = services.flatMap((p) =>
        p.service === consumer.service
          ? []
          : p.provides.filter((x) => x.api === api).map((x) => ({ service: p.service, version: x.version })),
      );
      if (providers.length === 0) continue;
      const satisfying = providers.filter((p) => semver.satisfies(p.version, range));
      if (satisfying.length === 0) {
        const sides = providers.map((p) => `${p.service} provides ${api} ${p.version}`).join('; ');
        throw invalid(
          OrchestrationErrorCodes.PLAN_RANGE_UNSATISFIED,
          `${consumer.service} needs ${api} ${range}, which no provider of the plan satisfies (${sides}).`,
          { consumer: { service: consumer.service, api, range }, providers },
        );
      }
      for (const p of satisfying) {
        edges.push({ provider: p.service, consumer: consumer.service, api, range, version: p.version });
      }
    }
  }
  return edges;
}

/** The first cycle found in the graph, as a closed path (`a → b → a`), or null. */
export function findCycle(nodes: readonly string[], edges: readonly ContractEdge[]): string[] | null {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) next.get(e.provider)?.push(e.consumer);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open') return [...path.slice(path.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const n of nodes) {
    if (!state.has(n)) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The waves of a plan: each service goes one wave after the latest of its providers (longest path from a source),
 * so a provider always precedes the consumers that need its new version and services with no edge between them
 * share the first wave they may. A cycle is refused, named.
 */
export function planWaves(services: readonly PlannedService[]): { waves: string[][]; edges: ContractEdge[] } {
  const edges = contractEdges(services);
  const names = services.map((s) => s.service);
  const cycle = findCycle(names, edges);
  if (cycle) {
    throw invalid(
      OrchestrationErrorCodes.PLAN_CYCLE,
      `The API contracts form a cycle: ${cycle.join(' → ')}. A cycle has no order to deploy in.`,
      { cycle, edges: edges.filter((e) => cycle.includes(e.provider) && cycle.includes(e.consumer)) },
    );
  }
  const level = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const providers = edges.filter((e) => e.consumer === name).map((e) => levelOf(e.provider) + 1);
    const l = Math.max(0, ...providers);
    level.set(name, l);
    return l;
  };
  const waves: string[][] = [];
  for (const name of names) {
    const l = levelOf(name);
    while (waves.length <= l) waves.push([]);
    waves[l]!.push(name);
  }
  return { waves, edges };
}
