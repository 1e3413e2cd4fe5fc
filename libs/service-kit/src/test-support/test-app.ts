import { Writable } from 'node:stream';
import { DomainError, ErrorCodes, invalid, notFound, ruleViolated } from '@railyard/contracts';
import { z } from 'zod';
import { type App, type AppDeps, buildApp } from '../app.js';
import { signDevToken } from '../auth.js';
import { commandContext, etagOf } from '../command-context.js';
import { createLogger } from '../logging.js';

export const SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** A logger whose JSON lines are kept in memory, so tests can assert on what was logged. */
export function captureLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

export const bearer = async (roles: string[], sub = 'user-1') =>
  `Bearer ${await signDevToken({ sub, roles, secret: SECRET, expiresIn: '5m' })}`;

/** Registers routes that exercise every error class and the command helpers. */
export async function registerTestRoutes(app: App) {
  app.post(
    '/things',
    {
      schema: {
        body: z.strictObject({ name: z.string().min(1), count: z.number().int().optional() }),
        response: { 201: z.object({ name: z.string() }) },
      },
      config: { roles: ['release-manager'] },
    },
    async (request, reply) => reply.code(201).send({ name: request.body.name }),
  );
  app.get('/things/:id', { schema: { params: z.object({ id: z.uuid() }) } }, async () => {
    throw notFound(ErrorCodes.PLANNING_RELEASE_NOT_FOUND, 'No such thing.');
  });
  app.post('/rule', async () => {
    throw ruleViolated(ErrorCodes.PLANNING_FREEZE_ACTIVE, 'Frozen.', { frozenAt: '2030-01-01T00:00:00Z' });
  });
  app.post('/conflict', async () => {
    throw new DomainError('concurrency', ErrorCodes.CONCURRENCY_CONFLICT, 'Kept changing.');
  });
  app.post('/precondition', async () => {
    throw new DomainError('precondition', ErrorCodes.PRECONDITION_FAILED, 'Stale.', { currentRevision: 4 });
  });
  app.post('/semantic', async () => {
    throw invalid(ErrorCodes.PLANNING_TARGET_DATE_PAST, 'Target date is in the past.');
  });
  app.get('/boom', async () => {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  });
  app.post('/context', { schema: { body: z.looseObject({}).optional() } }, async (request, reply) => {
    const ctx = commandContext(request);
    reply.header('etag', etagOf(7n));
    return { ...ctx, expectedRevision: ctx.expectedRevision?.toString() ?? null };
  });
  app.get('/whoami', async (request) => {
    request.log.info({ headers: request.headers }, 'whoami');
    return request.actor;
  });
}

/** buildApp with the HS256 secret and the test routes. */
export async function testApp(deps: Partial<AppDeps> = {}, extraRoutes?: (app: App) => void): Promise<App> {
  const app = await buildApp({
    serviceName: 'test-service',
    version: '0.0.0-test',
    auth: { secret: SECRET },
    logger: createLogger({ level: 'silent' }),
    ...deps,
  });
  await registerTestRoutes(app);
  extraRoutes?.(app);
  await app.ready();
  return app;
}
