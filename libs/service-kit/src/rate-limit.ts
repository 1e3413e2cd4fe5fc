import rateLimit from '@fastify/rate-limit';
import { ErrorCodes } from '@railyard/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.js';

/** Requests each principal may make per window; `RATE_LIMIT_MAX` / `RATE_LIMIT_WINDOW_MS`. */
export interface RateLimitConfig {
  max: number;
  windowMs: number;
}

/** The rate limit the environment asks for, or false when `RATE_LIMIT_MAX` is 0 (off). */
export function rateLimitFromEnv(config: { RATE_LIMIT_MAX: number; RATE_LIMIT_WINDOW_MS: number }) {
  return config.RATE_LIMIT_MAX > 0 ? { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS } : false;
}

/** Probes and scrapers are never throttled: a 429 on readiness would take a healthy replica out of rotation. */
const isProbe = (request: FastifyRequest) => request.url.startsWith('/health/') || request.url === '/metrics';

/**
 * Fixed-window request limits with @fastify/rate-limit, counted per principal once authentication has run, and per
 * client IP for callers without one (public routes, and failed credentials: the auth hook defers its 401 until
 * after this check, so guessing keys is throttled too). Over the limit: 429 problem+json with `Retry-After`.
 * Counters live in this process (the plugin's LRU store): behind a load balancer each replica counts its own share.
 * Must be installed before routes are added: the plugin attaches its hook to each route as it is declared.
 */
export async function installRateLimit(app: FastifyInstance, config: RateLimitConfig): Promise<void> {
  await app.register(rateLimit, {
    max: config.max,
    timeWindow: config.windowMs,
    // A route-level onRequest hook runs after the app's own onRequest hooks, i.e. after authentication.
    hook: 'onRequest',
    keyGenerator: (request) => (request.actor ? `principal:${request.actor.id}` : `ip:${request.ip}`),
    allowList: (request) => isProbe(request),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        context.statusCode,
        ErrorCodes.RATE_LIMITED,
        `Too many requests: at most ${context.max} per ${Math.round(config.windowMs / 1000)} s; retry in ${context.after}.`,
      ),
  });
}
