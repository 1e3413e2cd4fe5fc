import { ErrorCodes, FlagDefined, FlagErrorCodes, FlagKilled, FlagRestored } from '@railyard/contracts';
import { event, httpSpecification } from '@railyard/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { flagStream } from '../flag-commands.js';
import { type FlagFixture, startFlags } from '../test-support/flag-fixture.js';

// POST /flags/:key/restore (O4): releases the kill switch; only a killed flag can be restored.
describe('POST /flags/:key/restore', () => {
  let f: FlagFixture;
  beforeAll(async () => {
    f = await startFlags('restoreFlag');
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  /** A fresh key per specification: the file's specifications share a database, never a flag. */
  const freshKey = () => `checkout-banner-${crypto.randomUUID()}`;
  const defined = (key: string) =>
    event(FlagDefined, {
      key,
      definition: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
      offVariant: 'off',
      reason: 'new banner',
      definedBy: 'dev-ines',
    });
  const killed = (key: string) =>
    event(FlagKilled, { key, offVariant: 'off', reason: 'checkout errors', killedBy: 'sre-oli' });
  const restore =
    (key: string, as: { sub: string; roles: string[] }, payload: unknown = { reason: 'fixed' }) =>
    async () => ({
      method: 'POST' as const,
      url: `/flags/${key}/restore`,
      headers: await f.auth(as.sub, as.roles),
      payload,
    });
  const sre = { sub: 'sre-oli', roles: ['sre'] };

  it('restores a killed flag: FlagRestored by the caller, the flag no longer killed', async () => {
    const key = freshKey();
    await httpSpecification(f)
      .given(flagStream(key), defined(key), killed(key))
      .when(restore(key, sre))
      .then({
        status: 200,
        body: { key, killed: false, offVariant: 'off', revision: 2, definition: { state: 'ENABLED' } },
        events: { [flagStream(key)]: [event(FlagRestored, { key, reason: 'fixed', restoredBy: 'sre-oli' })] },
      });
  });

  it('409 FLAG_NOT_KILLED for a flag that is not killed, and one restored already', async () => {
    const live = freshKey();
    await httpSpecification(f)
      .given(flagStream(live), defined(live))
      .when(restore(live, sre))
      .then({ status: 409, code: FlagErrorCodes.FLAG_NOT_KILLED });
    const restored = freshKey();
    await httpSpecification(f)
      .given(
        flagStream(restored),
        defined(restored),
        killed(restored),
        event(FlagRestored, { key: restored, reason: 'fixed', restoredBy: 'sre-oli' }),
      )
      .when(restore(restored, sre))
      .then({ status: 409, code: FlagErrorCodes.FLAG_NOT_KILLED });
  });

  it('404 FLAG_NOT_FOUND for a key never defined', async () => {
    const key = freshKey();
    await httpSpecification(f)
      .given(flagStream(key))
      .when(restore(key, sre))
      .then({ status: 404, code: FlagErrorCodes.FLAG_NOT_FOUND });
  });

  it('400 without a reason, 403 for a role that may not pull the switch: nothing recorded', async () => {
    const key = freshKey();
    await httpSpecification(f)
      .given(flagStream(key), defined(key), killed(key))
      .when(restore(key, sre, { reason: '  ' }))
      .then({ status: 400, code: ErrorCodes.VALIDATION_FAILED });
    await httpSpecification(f)
      .given(flagStream(key))
      .when(restore(key, { sub: 'ana', roles: ['analyst'] }))
      .then({ status: 403, code: ErrorCodes.FORBIDDEN });
  });
});
