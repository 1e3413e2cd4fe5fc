import { parseArgs } from 'node:util';
import { Roles } from '@railyard/contracts';
import { SignJWT } from 'jose';
import { type CliIo, EXIT_OK, EXIT_USAGE, envVar, UsageError } from './io.js';

export const TOKEN_USAGE = 'railyard token --sub ID [--roles a,b] [--ttl 1h]';

/** The services refuse an HS256 secret shorter than this (service-kit's config), so the CLI does too. */
const MIN_SECRET_LENGTH = 32;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses a lifetime like `90s`, `15m`, `1h`, `7d` (a bare number is seconds) into seconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d+)\s*([smhdw]?)$/.exec(ttl.trim());
  const seconds = match ? Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`--ttl must be a positive duration such as 90s, 15m, 1h or 7d, not "${ttl}"`);
  }
  return seconds;
}

/**
 * `railyard token`: prints a development JWT (HS256, RAILYARD_AUTH_SECRET) with `sub` and `roles`, the
 * shape service-kit's authenticator accepts. Issuer/audience follow RAILYARD_JWT_ISSUER/_AUDIENCE when set,
 * so the token passes services configured with them.
 */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      sub: { type: 'string' },
      roles: { type: 'string', default: '' },
      ttl: { type: 'string', default: '1h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const sub = values.sub?.trim();
  if (!sub) throw new UsageError(`--sub is required\nusage: ${TOKEN_USAGE}`);
  const secret = envVar(io.env, 'RAILYARD_AUTH_SECRET');
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    io.err(
      secret
        ? `railyard token: RAILYARD_AUTH_SECRET is ${secret.length} characters; it must be at least ${MIN_SECRET_LENGTH}.`
        : 'railyard token: RAILYARD_AUTH_SECRET is not set; set it to the secret the services use (at least 32 characters).',
    );
    return EXIT_USAGE;
  }
  const roles = values.roles
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  // A typo in a role would mint a token that silently grants nothing: refuse it with the list.
  const unknown = roles.filter((r) => !(Roles as readonly string[]).includes(r));
  if (unknown.length > 0) {
    io.err(`railyard token: unknown role(s) ${unknown.join(', ')}; known roles: ${Roles.join(', ')}.`);
    return EXIT_USAGE;
  }
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + parseTtl(values.ttl));
  const issuer = envVar(io.env, 'RAILYARD_JWT_ISSUER');
  const audience = envVar(io.env, 'RAILYARD_JWT_AUDIENCE');
  if (issuer) jwt = jwt.setIssuer(issuer);
  if (audience) jwt = jwt.setAudience(audience);
  io.out(await jwt.sign(new TextEncoder().encode(secret)));
  return EXIT_OK;
}
