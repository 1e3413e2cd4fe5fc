import {
  type DependencyNode,
  notFound,
  PlanningErrorCodes,
  type ReleaseEvent,
  ruleViolated,
} from '@railyard/contracts';
import type { Dependency, ReleaseState } from './release.js';
import { type Issued, planned, requireStatus } from './release-rules.js';

export type DeclareDependency = Issued & {
  type: 'DeclareDependency';
  dependencyId: string;
  from: DependencyNode;
  to: DependencyNode;
  kind: Dependency['kind'];
  owner: string;
  blocking: boolean;
};
export type ChangeDependencyStatus = Issued & {
  type: 'ChangeDependencyStatus';
  dependencyId: string;
  status: Dependency['status'];
  note?: string;
};
export type DependencyCommand = DeclareDependency | ChangeDependencyStatus;

/** A node's key: a team, or a team's service (`team/service`). Team names are compared case-insensitively. */
export const nodeKey = (n: DependencyNode) => (n.service ? `${n.team}/${n.service}` : n.team).toLowerCase();

/**
 * The path from `start` to `goal` along existing edges, if any (depth-first search). The graph of one release is a
 * few dozen edges, so a plain DFS is enough; a graph library would add weight for ten lines of code.
 */
function pathBetween(edges: Dependency[], start: string, goal: string): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(nodeKey(e.from), [...(next.get(nodeKey(e.from)) ?? []), nodeKey(e.to)]);
  const seen = new Set<string>();
  const walk = (node: string, path: string[]): string[] | undefined => {
    if (node === goal) return path;
    if (seen.has(node)) return undefined;
    seen.add(node);
    for (const n of next.get(node) ?? []) {
      const found = walk(n, [...path, n]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}

/** Declares `from` needs `to` (P2). Refuses self-edges, duplicates and any edge that would close a cycle. */
export function declareDependency(command: DeclareDependency, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['draft', 'scoped', 'frozen'], 'take new dependencies');
  const from = nodeKey(command.from);
  const to = nodeKey(command.to);
  if (from === to) throw ruleViolated(PlanningErrorCodes.DEPENDENCY_SELF, `${from} cannot depend on itself.`);
  const existing = release.dependencies.find((d) => nodeKey(d.from) === from && nodeKey(d.to) === to);
  if (existing) {
    throw ruleViolated(PlanningErrorCodes.DEPENDENCY_DUPLICATE, `${from} already depends on ${to}.`, {
      dependencyId: existing.id,
    });
  }
  const back = pathBetween(release.dependencies, to, from);
  if (back) {
    throw ruleViolated(
      PlanningErrorCodes.DEPENDENCY_CYCLE,
      `${from} → ${to} would close a cycle: ${[from, ...back].join(' → ')}.`,
      {
        cycle: [from, ...back],
      },
    );
  }
  const { dependencyId, kind, owner, blocking } = command;
  return [
    {
      type: 'DependencyDeclared',
      data: {
        releaseId: release.id,
        dependencyId,
        from: command.from,
        to: command.to,
        kind,
        owner,
        blocking,
        status: 'open',
        declaredBy: command.actor.id,
      },
    },
  ];
}

export function changeDependencyStatus(command: ChangeDependencyStatus, state: ReleaseState): ReleaseEvent[] {
  const release = planned(state);
  requireStatus(release, ['draft', 'scoped', 'frozen', 'cab-approved'], 'change dependencies');
  const dep = release.dependencies.find((d) => d.id === command.dependencyId);
  if (!dep) throw notFound(PlanningErrorCodes.DEPENDENCY_NOT_FOUND, `No dependency ${command.dependencyId}.`);
  if (dep.status === command.status) return [];
  return [
    {
      type: 'DependencyStatusChanged',
      data: {
        releaseId: release.id,
        dependencyId: dep.id,
        status: command.status,
        ...(command.note ? { note: command.note } : {}),
        changedBy: command.actor.id,
      },
    },
  ];
}
