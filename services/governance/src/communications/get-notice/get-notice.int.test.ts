import { randomUUID } from 'node:crypto';
import { GovernanceErrorCodes as Codes, NoticeTemplateSaved, noticeTemplateStream } from '@railyard/contracts';
import { event } from '@railyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GovernanceSpecFixture, startGovernanceSpecs } from '../../test-support/governance-spec.js';

describe('GET /notices/:id and GET /notice-templates/:kind', () => {
  let s: GovernanceSpecFixture;
  beforeAll(async () => {
    s = await startGovernanceSpecs('govGetNotice', () => new Date('2026-11-02T09:00:00.000Z'));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const get = (url: string) => async () => ({
    method: 'GET' as const,
    url,
    headers: await s.as('rm-1', ['release-manager']),
  });

  it('404 GOVERNANCE_NOTICE_NOT_FOUND', async () => {
    await s
      .spec()
      .when(get(`/notices/${randomUUID()}`))
      .then({ status: 404, code: Codes.NOTICE_NOT_FOUND });
  });

  it('the built-in template (version 0) until one is saved, then the saved one', async () => {
    await s
      .spec()
      .when(get('/notice-templates/rollback'))
      .then({
        status: 200,
        body: (b) =>
          expect(b).toMatchObject({
            kind: 'rollback',
            version: 0,
            subject: 'Rollback of {{service}} in {{environment}}',
          }),
      });
    await s
      .spec()
      .given(
        noticeTemplateStream('rollback'),
        event(NoticeTemplateSaved, {
          kind: 'rollback',
          subject: '{{service}} rolled back',
          body: '{{hypothesis}}',
          savedBy: 'rm-1',
          reason: 'short',
        }),
      )
      .when(get('/notice-templates/rollback'))
      .then({ status: 200, body: { version: 1, subject: '{{service}} rolled back', body: '{{hypothesis}}' } });
  });
});
