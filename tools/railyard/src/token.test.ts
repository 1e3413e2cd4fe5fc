import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/cli-harness.js';
import { parseTtl } from './token.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('railyard token', () => {
  it('prints an HS256 JWT with sub and roles that verifies with the secret', async () => {
    const result = await runCli(['token', '--sub', 'alice', '--roles', 'sre,deployer', '--ttl', '15m'], {
      RAILYARD_AUTH_SECRET: SECRET,
    });
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    const { payload, protectedHeader } = await jwtVerify(result.out[0] ?? '', new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe('alice');
    expect(payload.roles).toEqual(['sre', 'deployer']);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(15 * 60);
  });

  it('adds issuer and audience when the services are configured with them', async () => {
    const result = await runCli(['token', '--sub', 'bob'], {
      RAILYARD_AUTH_SECRET: SECRET,
      RAILYARD_JWT_ISSUER: 'railyard-dev',
      RAILYARD_JWT_AUDIENCE: 'railyard',
    });
    const { payload } = await jwtVerify(result.out[0] ?? '', new TextEncoder().encode(SECRET), {
      issuer: 'railyard-dev',
      audience: 'railyard',
    });
    expect(payload.roles).toEqual([]);
  });

  it('refuses without a secret, or with one shorter than 32 characters', async () => {
    const unset = await runCli(['token', '--sub', 'alice', '--roles', 'sre'], {});
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/RAILYARD_AUTH_SECRET is not set/);
    expect(unset.out).toEqual([]);
    const short = await runCli(['token', '--sub', 'alice'], { RAILYARD_AUTH_SECRET: 'too-short' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 32/);
  });

  it('rejects a missing --sub, an unknown option and a bad --ttl as usage errors', async () => {
    const env = { RAILYARD_AUTH_SECRET: SECRET };
    expect((await runCli(['token', '--roles', 'sre'], env)).code).toBe(2);
    expect((await runCli(['token', '--sub', 'a', '--bogus'], env)).code).toBe(2);
    const badTtl = await runCli(['token', '--sub', 'a', '--ttl', 'soon'], env);
    expect(badTtl.code).toBe(2);
    expect(badTtl.stderr).toMatch(/--ttl/);
    const typo = await runCli(['token', '--sub', 'a', '--roles', 'release-manger'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown role\(s\) release-manger/);
  });

  it('parses durations', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('2h')).toBe(7200);
    expect(parseTtl('7d')).toBe(604_800);
    expect(() => parseTtl('0s')).toThrow(/positive/);
  });
});

describe('railyard', () => {
  it('prints usage for --help and exits 2 on an unknown command', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/railyard stream <streamId>/);
    const unknown = await runCli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    expect(unknown.stderr).toMatch(/usage:/);
  });
});
