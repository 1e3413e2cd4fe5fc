import { datasetStream } from '@railyard/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrchestrationFixture, startOrchestration } from '../../test-support/orchestration-fixture.js';

// POST /datasets (E3): a dataset's classification and provenance, once.
describe('POST /datasets', () => {
  let f: OrchestrationFixture;

  beforeAll(async () => {
    f = await startOrchestration('registerDataset');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('records DatasetRegistered with the registering actor', async () => {
    const rm = await f.as('rm-ana', ['release-manager']);
    const res = await rm.post('/datasets', {
      name: 'web-logs.2026',
      classification: 'internal',
      productionDerived: false,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/datasets/web-logs.2026');
    expect(await f.events(datasetStream('web-logs.2026'))).toEqual([
      {
        type: 'DatasetRegistered',
        data: { name: 'web-logs.2026', classification: 'internal', productionDerived: false, registeredBy: 'rm-ana' },
      },
    ]);
  });

  const bad: [string, object, number, string][] = [
    [
      'the same name again',
      { name: 'web-logs.2026', classification: 'public', productionDerived: false },
      409,
      'ORCHESTRATION_DATASET_EXISTS',
    ],
    [
      'an unknown classification',
      { name: 'x', classification: 'secret', productionDerived: true },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
    ['a missing provenance', { name: 'x', classification: 'public' }, 400, 'RAILYARD_REQUEST_INVALID'],
    [
      'an uppercase name',
      { name: 'X', classification: 'public', productionDerived: false },
      400,
      'RAILYARD_REQUEST_INVALID',
    ],
  ];
  for (const [what, payload, status, code] of bad) {
    it(`refuses ${what} with ${status} ${code}, appending nothing`, async () => {
      const sre = await f.as('sre', ['sre']);
      const before = await f.head();
      const res = await sre.post('/datasets', payload);
      expect(res.statusCode).toBe(status);
      expect(res.json().code).toBe(code);
      expect(await f.head()).toBe(before);
    });
  }
});
