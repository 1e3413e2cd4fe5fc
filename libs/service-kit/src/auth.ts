import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { type Actor, ErrorCodes, type Role } from '@railyard/contracts';
import type { FastifyRequest } from 'fastify';
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { z } from 'zod';
import type { ApiKeyEntry, BaseConfig } from './config.js';
import { HttpProblem } from './problem.js';

export { type Role, Roles } from '@railyard/contracts';

/** How a service authenticates callers: HS256 secret (development), JWKS (production), hashed API keys (systems). */
export interface AuthConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  apiKeys?: ApiKeyEntry[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on public routes and before authentication. */
    actor: Actor | null;
    /**
     * The matched route's options, read once when the request arrives: fastify's `routeOptions` getter builds a new
     * object on every read, and the kit's hooks need it three times per request. Null before the first hook.
     */
    routeFacts: FastifyRequest['routeOptions'] | null;
  }
  interface FastifyContextConfig {
    /** Roles of which the caller needs at least one (admin always passes). Omitted: any authenticated caller. */
    roles?: readonly Role[];
    /** A public route needs no credentials (health, metrics, docs). */
    public?: boolean;
    /**
     * The level of the route's access line (default `info`): `debug` for high-volume reads whose every call is
     * not worth a line (health, metrics, OFREP evaluations); errors are logged by the error handler regardless.
     */
    accessLog?: 'info' | 'debug';
  }
}

/** The auth part of the base configuration. */
export function authConfigFromEnv(config: BaseConfig): AuthConfig {
  return {
    secret: config.RAILYARD_AUTH_SECRET,
    jwksUrl: config.RAILYARD_JWKS_URL,
    issuer: config.RAILYARD_JWT_ISSUER,
    audience: config.RAILYARD_JWT_AUDIENCE,
    apiKeys: config.RAILYARD_API_KEYS,
  };
}

/** sha256 hex of an API key: what RAILYARD_API_KEYS stores. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Signs a development HS256 token (the CLI's `railyard token`). */
export async function signDevToken(options: {
  sub: string;
  roles: string[];
  secret: string;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  let jwt = new SignJWT({ roles: options.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

const Claims = z.object({
  sub: z.string().min(1).max(200),
  roles: z.array(z.string().min(1).max(64)).max(32).default([]),
});

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const BEARER = /^Bearer\s+(\S+)$/i;
const API_KEY = /^ApiKey\s+(\S+)$/i;

const unauthenticated = (message: string) =>
  new HttpProblem(401, ErrorCodes.UNAUTHENTICATED, message, undefined, { 'www-authenticate': 'Bearer, ApiKey' });
const invalidCredentials = (message: string) =>
  new HttpProblem(401, ErrorCodes.TOKEN_INVALID, message, undefined, {
    'www-authenticate': 'Bearer error="invalid_token"',
  });

/** Builds the authenticator for a config: request → Actor, or an HttpProblem (401, or 503 when JWKS is down). */
export function createAuthenticator(config: AuthConfig) {
  // Imported once: handing jose raw bytes makes it import the HMAC key on every request (~6% of a command's CPU).
  const secret = config.secret
    ? crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(config.secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : undefined;
  // createRemoteJWKSet caches keys and refetches on an unknown kid, with its own cooldown.
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const keys = (config.apiKeys ?? []).map((k) => ({ ...k, digest: Buffer.from(k.sha256, 'hex') }));
  const verifyOptions = { issuer: config.issuer, audience: config.audience };

  // Tokens already verified, keyed by the whole token (signature included, so a forged one is never a hit),
  // kept until their own expiry. Callers reuse a token for many requests, and a WebCrypto HMAC verification
  // costs more than the rest of authentication together. Bounded: the oldest entry goes first.
  const verified = new Map<string, { actor: Actor; expiresAtMs: number }>();
  const MAX_VERIFIED = 10_000;

  async function verifyJwt(token: string): Promise<Actor> {
    const cached = verified.get(token);
    if (cached) {
      if (Date.now() < cached.expiresAtMs) return cached.actor;
      verified.delete(token);
    }
    const actor = Object.freeze({ ...(await verifyJwtUncached(token)) });
    const exp = decodeJwt(token).exp;
    // Only tokens that expire are cached; the cache never outlives a token.
    if (typeof exp === 'number') {
      if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value as string);
      verified.set(token, { actor, expiresAtMs: exp * 1000 });
    }
    return actor;
  }

  async function verifyJwtUncached(token: string): Promise<Actor> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw invalidCredentials('The bearer token is not a JWT.');
    }
    let payload: JWTPayload;
    try {
      if (alg === 'HS256' && secret) {
        payload = (await jwtVerify(token, await secret, { ...verifyOptions, algorithms: ['HS256'] })).payload;
      } else if (alg && ASYMMETRIC.includes(alg) && jwks) {
        payload = (await jwtVerify(token, jwks, { ...verifyOptions, algorithms: ASYMMETRIC })).payload;
      } else {
        throw invalidCredentials(`Tokens signed with ${alg ?? 'no algorithm'} are not accepted here.`);
      }
    } catch (error) {
      throw translateJoseError(error);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw invalidCredentials('The token needs a "sub" and a "roles" array.');
    return { id: claims.data.sub, kind: 'user', roles: claims.data.roles };
  }

  // Keys already matched, keyed by the presented key itself: an OFREP client sends the same key with every
  // evaluation, and hashing it each time was the largest single cost of authenticating one (~5 µs of ~110 µs per
  // request on the reference machine). Only valid keys enter, so unknown keys cannot grow it; bounded all the same.
  // A revoked key disappears with the configuration that listed it (a new authenticator, an empty cache).
  const knownKeys = new Map<string, Actor>();
  const MAX_KNOWN_KEYS = 1_000;

  function verifyApiKey(key: string): Actor {
    const known = knownKeys.get(key);
    if (known) return known;
    const actor = verifyApiKeyUncached(key);
    if (knownKeys.size >= MAX_KNOWN_KEYS) knownKeys.delete(knownKeys.keys().next().value as string);
    knownKeys.set(key, actor);
    return actor;
  }

  function verifyApiKeyUncached(key: string): Actor {
    // One-shot hash: no Hash object per request.
    const digest = hash('sha256', key, 'buffer');
    let match: (typeof keys)[number] | undefined;
    // Compare against every entry, always, so timing says nothing about which (or whether one) matched.
    for (const entry of keys) {
      if (timingSafeEqual(digest, entry.digest) && !match) match = entry;
    }
    if (!match) throw invalidCredentials('The API key is not valid.');
    // Frozen: the same actor is handed to every request that presents this key.
    return Object.freeze({ id: match.id, kind: 'system', roles: Object.freeze([...match.roles]) }) as Actor;
  }

  // Not async: an API key is checked synchronously, so the hot path of a system caller (OFREP) needs no promise.
  return function authenticate(request: FastifyRequest): Actor | Promise<Actor> {
    const authorization = request.headers.authorization;
    const headerKey = request.headers['x-api-key'];
    if (typeof authorization === 'string' && authorization.trim() !== '') {
      const bearer = BEARER.exec(authorization.trim());
      if (bearer?.[1]) return verifyJwt(bearer[1]);
      const apiKey = API_KEY.exec(authorization.trim());
      if (apiKey?.[1]) return verifyApiKey(apiKey[1]);
      throw invalidCredentials('The Authorization header must be "Bearer <jwt>" or "ApiKey <key>".');
    }
    if (typeof headerKey === 'string' && headerKey !== '') return verifyApiKey(headerKey);
    throw unauthenticated('This endpoint needs a bearer token or an API key.');
  };
}

function translateJoseError(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof errors.JWTExpired) return invalidCredentials('The token has expired.');
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // The identity provider could not be asked: our availability problem, not the caller's bad token.
    return new HttpProblem(503, ErrorCodes.NOT_READY, 'The token could not be verified right now; retry later.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalidCredentials(`The token's "${error.claim}" claim is not acceptable.`);
  }
  return invalidCredentials('The token is not valid.');
}

/** True when the actor holds one of the roles (admin holds them all). */
export function hasRole(actor: Pick<Actor, 'roles'>, roles: readonly string[]): boolean {
  return actor.roles.includes('admin') || roles.length === 0 || roles.some((r) => actor.roles.includes(r));
}

/** Throws 403 unless the actor holds one of the roles. */
export function assertRole(actor: Actor, roles: readonly string[]): void {
  if (!hasRole(actor, roles)) {
    throw new HttpProblem(403, ErrorCodes.FORBIDDEN, `This action needs one of the roles: ${roles.join(', ')}.`, {
      requiredRoles: [...roles],
    });
  }
}

/** A preHandler that requires one of the roles: an alternative to `config: { roles }`. */
export function requireRole(...roles: Role[]) {
  return async function requireRoleHook(request: FastifyRequest) {
    if (!request.actor) throw unauthenticated('This endpoint needs a bearer token or an API key.');
    assertRole(request.actor, roles);
  };
}

/** The authenticated actor of a request, or a 401. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated('This endpoint needs a bearer token or an API key.');
  return request.actor;
}
