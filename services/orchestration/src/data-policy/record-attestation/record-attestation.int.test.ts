import { datasetStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HttpClient,
  type OrchestrationFixture,
  startOrchestration,
} from '../../test-support/orchestration-fixture.js';

// POST /datasets and POST /datasets/:name/attestations (E3).
describe('datasets and masking attestations', () => {
  let f: OrchestrationFixture;
  let sre: HttpClient;

  beforeAll(async () => {
    f = await startOrchestration('attestation', { start: new Date('2026-12-01T09:00:00Z') });
    sre = await f.as('sre-sam', ['sre']);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('registers a dataset once, then records an attestation with tool, rule set, digest and expiry', async () => {
    const created = await sre.post('/datasets', {
      name: 'crm-snapshot',
      classification: 'restricted',
      productionDerived: true,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      name: 'crm-snapshot',
      classification: 'restricted',
      productionDerived: true,
      attestations: [],
      revision: 0,
    });
    const twice = await sre.post('/datasets', {
      name: 'crm-snapshot',
      classification: 'public',
      productionDerived: false,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('ORCHESTRATION_DATASET_EXISTS');

    const attested = await sre.post('/datasets/crm-snapshot/attestations', {
      tool: 'pg-masker 3.1',
      ruleSetVersion: '2026.11',
      maskedOutputSha256: 'cd'.repeat(32),
      expiresAt: '2026-12-31T00:00:00+01:00',
    });
    expect(attested.statusCode).toBe(201);
    const attestationId = attested.json().attestations[0].attestationId;
    expect(await f.events(datasetStream('crm-snapshot'))).toEqual([
      {
        type: 'DatasetRegistered',
        data: { name: 'crm-snapshot', classification: 'restricted', productionDerived: true, registeredBy: 'sre-sam' },
      },
      {
        type: 'MaskingAttestationRecorded',
        data: {
          name: 'crm-snapshot',
          attestationId,
          tool: 'pg-masker 3.1',
          ruleSetVersion: '2026.11',
          maskedOutputSha256: 'cd'.repeat(32),
          attestedAt: '2026-12-01T09:00:00.000Z',
          expiresAt: '2026-12-30T23:00:00.000Z',
          attestedBy: 'sre-sam',
        },
      },
    ]);
    const got = await sre.get('/datasets/crm-snapshot');
    expect(got.json().attestations).toEqual([{ attestationId, expiresAt: '2026-12-30T23:00:00.000Z' }]);
  });

  it('refuses a developer (403) and an uppercase digest (400), appending nothing', async () => {
    const before = await f.head();
    const dev = await f.as('dev', ['developer']);
    expect(
      (await dev.post('/datasets', { name: 'x', classification: 'public', productionDerived: false })).statusCode,
    ).toBe(403);
    const upper = await sre.post('/datasets/crm-snapshot/attestations', {
      tool: 't',
      ruleSetVersion: '1',
      maskedOutputSha256: 'CD'.repeat(32),
      expiresAt: '2027-01-01T00:00:00Z',
    });
    expect(upper.statusCode).toBe(400);
    expect(await f.head()).toBe(before);
  });
});
