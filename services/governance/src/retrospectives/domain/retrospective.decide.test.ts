import { GovernanceErrorCodes as Codes, type RetrospectiveEvent } from '@railyard/contracts';
import { spec } from '@railyard/testing';
import { describe, expect, it } from 'vitest';
import { isOverdue, retrospectiveDecider } from './retrospective.decide.js';

const retrospectiveId = '0193a000-0000-7000-8000-0000000000e1';
const actionId = '0193a000-0000-7000-8000-0000000000e2';
const at = new Date('2026-11-02T09:00:00Z');
const recorded: RetrospectiveEvent = {
  type: 'RetrospectiveRecorded',
  data: {
    retrospectiveId,
    subject: { kind: 'incident', incidentId: '0193a000-0000-7000-8000-0000000000e9' },
    title: 'ledger rollback',
    timeline: [],
    contributingFactors: ['no migration rehearsal'],
    wentWell: ['rollback in 4 minutes'],
    recordedBy: 'sre',
    recordedAt: at.toISOString(),
  },
};
const added: RetrospectiveEvent = {
  type: 'RetrospectiveActionAdded',
  data: { retrospectiveId, actionId, description: 'rehearse', owner: 'dev', dueDate: '2026-11-09', addedBy: 'sre' },
};
const adopted: RetrospectiveEvent = {
  type: 'RetrospectiveItemAdopted',
  data: {
    retrospectiveId,
    itemId: actionId,
    check: 'rehearsal',
    policyName: 'standard',
    policyVersion: 2,
    adoptedBy: 'rm',
  },
};
const add = (dueDate: string) => ({
  type: 'AddAction' as const,
  actionId,
  description: 'rehearse',
  owner: 'dev',
  dueDate,
  actor: 'sre',
  at,
});

describe('retrospective decider', () => {
  it('when none exists, anything but recording is not found', () => {
    spec(retrospectiveDecider).when(add('2026-11-09')).thenThrows(Codes.RETROSPECTIVE_NOT_FOUND);
  });
  describe('when recorded', () => {
    it('adds an action due today or later, never in the past', () => {
      spec(retrospectiveDecider).given([recorded]).when(add('2026-11-09')).then([added]);
      spec(retrospectiveDecider)
        .given([recorded])
        .when(add('2026-11-01'))
        .thenThrows(Codes.RETROSPECTIVE_ACTION_DUE_IN_PAST);
    });
    it('completes an action once', () => {
      const complete = { type: 'CompleteAction' as const, actionId, note: 'done', actor: 'dev', at };
      const completed: RetrospectiveEvent = {
        type: 'RetrospectiveActionCompleted',
        data: { retrospectiveId, actionId, completedBy: 'dev', completedAt: at.toISOString(), note: 'done' },
      };
      spec(retrospectiveDecider).given([recorded, added]).when(complete).then([completed]);
      spec(retrospectiveDecider)
        .given([recorded, added, completed])
        .when(complete)
        .thenThrows(Codes.RETROSPECTIVE_ACTION_ALREADY_DONE);
    });
    it('records an adoption once', () => {
      const adopt = {
        type: 'RecordAdoption' as const,
        itemId: actionId,
        check: 'rehearsal',
        policyName: 'standard',
        policyVersion: 2,
        actor: 'rm',
      };
      spec(retrospectiveDecider).given([recorded, added]).when(adopt).then([adopted]);
      spec(retrospectiveDecider)
        .given([recorded, added, adopted])
        .when(adopt)
        .thenThrows(Codes.RETROSPECTIVE_ITEM_ALREADY_ADOPTED);
    });
  });
  it('an open action is overdue from the day after its due date (UTC); a done one never', () => {
    expect(isOverdue({ status: 'open', dueDate: '2026-11-09' }, new Date('2026-11-09T23:59:59Z'))).toBe(false);
    expect(isOverdue({ status: 'open', dueDate: '2026-11-09' }, new Date('2026-11-10T00:00:00Z'))).toBe(true);
    expect(isOverdue({ status: 'done', dueDate: '2026-11-09' }, new Date('2026-12-01T00:00:00Z'))).toBe(false);
  });
});
