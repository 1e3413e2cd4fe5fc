import { PlanningErrorCodes } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, it } from 'vitest';
import {
  accepted,
  added,
  cmd,
  dep1,
  dep2,
  dependency,
  dependencyReady,
  dev,
  frozen,
  itemA,
  planned,
  releaseId,
} from '../../test-support/release-history.js';
import { releaseDecider } from './release.decide.js';

const release = spec(releaseDecider);
const declare = (dependencyId: string, from: string, to: string) =>
  cmd({
    type: 'DeclareDependency',
    actor: dev,
    dependencyId,
    from: { team: from },
    to: { team: to },
    kind: 'backend',
    owner: 'lead',
    blocking: true,
  });

describe('dependency graph (P2)', () => {
  describe('when planned', () => {
    it('declares an open edge, recording who declared it', () => {
      release
        .given([planned])
        .when(declare(dep1, 'payments', 'identity'))
        .then([dependency(dep1, 'payments', 'identity')]);
    });
    it('refuses an edge from a node to itself', () => {
      release
        .given([planned])
        .when(declare(dep1, 'web', 'WEB'))
        .thenThrows(PlanningErrorCodes.DEPENDENCY_SELF);
    });
    it('refuses the same edge twice', () => {
      release
        .given([planned, dependency(dep1, 'payments', 'identity')])
        .when(declare(dep2, 'payments', 'identity'))
        .thenThrows(PlanningErrorCodes.DEPENDENCY_DUPLICATE);
    });
    it('refuses an edge that closes a cycle, naming it', () => {
      const err = release
        .given([planned, dependency(dep1, 'payments', 'identity'), dependency(dep2, 'identity', 'web')])
        .when(declare('0193a000-0000-7000-8000-0000000000d3', 'web', 'payments'))
        .thenThrows(PlanningErrorCodes.DEPENDENCY_CYCLE);
      if (JSON.stringify(err.details?.cycle) !== JSON.stringify(['web', 'payments', 'identity', 'web'])) {
        throw new Error(`unexpected cycle ${JSON.stringify(err.details)}`);
      }
    });
    it('accepts a diamond (two paths, no cycle)', () => {
      release
        .given([planned, dependency(dep1, 'web', 'payments'), dependency(dep2, 'web', 'identity')])
        .when(declare('0193a000-0000-7000-8000-0000000000d3', 'payments', 'identity'))
        .then([dependency('0193a000-0000-7000-8000-0000000000d3', 'payments', 'identity')]);
    });
    it('changes a status, and changing it to what it is records nothing', () => {
      const history = [planned, dependency(dep1, 'payments', 'identity')];
      release
        .given(history)
        .when(cmd({ type: 'ChangeDependencyStatus', actor: dev, dependencyId: dep1, status: 'ready' }))
        .then([dependencyReady(dep1)]);
      release
        .given([...history, dependencyReady(dep1)])
        .when(cmd({ type: 'ChangeDependencyStatus', actor: dev, dependencyId: dep1, status: 'ready' }))
        .thenNothing();
    });
    it('answers not found for an unknown dependency', () => {
      release
        .given([planned])
        .when(cmd({ type: 'ChangeDependencyStatus', actor: dev, dependencyId: dep1, status: 'blocked' }))
        .thenThrows(PlanningErrorCodes.DEPENDENCY_NOT_FOUND);
    });
  });
  describe('when cancelled', () => {
    it('takes no new dependency', () => {
      release
        .given([
          planned,
          added(itemA, 'x'),
          accepted(itemA),
          frozen,
          { type: 'ReleaseCancelled', data: { releaseId, reason: 'no', cancelledBy: 'rm-ana' } },
        ])
        .when(declare(dep1, 'a', 'b'))
        .thenThrows(PlanningErrorCodes.INVALID_TRANSITION);
    });
  });
});
