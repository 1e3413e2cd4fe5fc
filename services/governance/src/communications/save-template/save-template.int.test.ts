import {
  GovernanceErrorCodes as Codes,
  ErrorCodes,
  NoticeTemplateSaved,
  noticeTemplateStream,
} from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';

const now = new Date('2026-11-02T09:00:00.000Z');

describe('PUT /notice-templates/:kind', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govSaveTemplate', () => now);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const save = (kind: string, subject: string, body: string) => async () => ({
    method: 'PUT' as const,
    url: `/notice-templates/${kind}`,
    headers: await s.as('rm-1', ['release-manager']),
    payload: { subject, body, reason: 'Shorter notices for the status page' },
  });

  it('saves a template using only the variables of its kind', async () => {
    const body =
      '{{title}} ({{severity}}): {{hypothesis}}. Impact {{impact}}. Next: {{nextSteps}} by {{nextUpdateAt}}.';
    await s
      .spec()
      .given(noticeTemplateStream('incident'))
      .when(save('incident', '[{{severity}}] {{title}}', body))
      .then({
        status: 200,
        body: { kind: 'incident', version: 1 },
        events: {
          [noticeTemplateStream('incident')]: [
            event(NoticeTemplateSaved, {
              kind: 'incident',
              subject: '[{{severity}}] {{title}}',
              body,
              savedBy: 'rm-1',
              reason: 'Shorter notices for the status page',
            }),
          ],
        },
      });
  });

  it('400 GOVERNANCE_TEMPLATE_UNKNOWN_VARIABLES naming them, saving nothing', async () => {
    await s
      .spec()
      .given(noticeTemplateStream('rollback'))
      .when(save('rollback', 'Rollback of {{service}}', '{{hypothesis}} {{customerEmail}} {{title}}'))
      .then({
        status: 400,
        code: Codes.TEMPLATE_UNKNOWN_VARIABLES,
        body: (b) => expect(b.unknownVariables).toEqual(['customerEmail', 'title']),
      });
  });

  it('400 GOVERNANCE_TEMPLATE_UNKNOWN_VARIABLES for an unescaped tag: escaping stays on', async () => {
    await s
      .spec()
      .given(noticeTemplateStream('rollback'))
      .when(save('rollback', 'Rollback of {{{service}}}', '{{&hypothesis}}'))
      .then({
        status: 400,
        code: Codes.TEMPLATE_UNKNOWN_VARIABLES,
        body: { part: 'subject', unescapedTags: ['service'] },
      });
  });

  it('400 GOVERNANCE_TEMPLATE_INVALID for a template mustache cannot parse', async () => {
    await s
      .spec()
      .given(noticeTemplateStream('incident'))
      .when(save('incident', '{{title}}', '{{#impact}} never closed'))
      .then({ status: 400, code: Codes.TEMPLATE_INVALID });
  });

  it('400 for a kind other than rollback or incident', async () => {
    await s
      .spec()
      .when(save('outage', '{{title}}', '{{title}}'))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
  });
});
