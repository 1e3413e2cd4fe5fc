import { z } from 'zod';

/** Thrown by loadConfig when the environment does not parse; its message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

/** One configured API key: who it is, what roles it carries, and the sha256 (hex) of the secret key. */
export interface ApiKeyEntry {
  id: string;
  roles: string[];
  sha256: string;
}

const ROLE = /^[a-z][a-z0-9-]{0,63}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * `RAILYARD_API_KEYS`: comma-separated `id:role1|role2:sha256hex` entries. Only hashes are configured, so a leaked
 * environment does not leak usable keys.
 */
export const apiKeysSchema = z.string().transform((raw, ctx): ApiKeyEntry[] => {
  const entries: ApiKeyEntry[] = [];
  const seen = new Set<string>();
  for (const [index, item] of raw.split(',').entries()) {
    const text = item.trim();
    if (text === '') continue;
    const [id, roles, hash, ...rest] = text.split(':');
    const where = `entry ${index + 1}`;
    if (!id || roles === undefined || hash === undefined || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: `${where} must be id:role1|role2:sha256hex` });
      continue;
    }
    const roleList = roles.split('|').filter((r) => r !== '');
    const badRole = roleList.find((r) => !ROLE.test(r));
    if (roleList.length === 0 || badRole !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${where} (${id}) has an invalid role list "${roles}"` });
      continue;
    }
    const sha256 = hash.toLowerCase();
    if (!SHA256_HEX.test(sha256)) {
      ctx.addIssue({ code: 'custom', message: `${where} (${id}) hash must be 64 hex characters (sha256 of the key)` });
      continue;
    }
    if (seen.has(id)) {
      ctx.addIssue({ code: 'custom', message: `${where}: duplicate key id "${id}"` });
      continue;
    }
    seen.add(id);
    entries.push({ id, roles: roleList, sha256 });
  }
  return entries;
});

/** A TCP port variable with a service-specific default. */
export const portSchema = (defaultPort: number) => z.coerce.number().int().min(0).max(65535).default(defaultPort);

const EVENTSTORE_URL = /^(postgres|postgresql|(kurrentdb|kurrent|kdb|esdb)(\+discover)?):\/\/.+/;

/** The variables every service reads; services `.extend()` it with PORT and their own. */
export const baseConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/railyard'),
  /**
   * The service pool's size. Projections, the relay, the sealer and durable consumers each hold a connection for
   * their lease while they run, so a service with many of them (orchestration holds 14) needs room beyond those.
   */
  DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(1000).default(20),
  /**
   * How long a caller waits for a connection of the service pool before failing. A pool that leases took whole
   * (DATABASE_POOL_MAX too small) then fails the start with a message naming it, instead of hanging for ever.
   */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** The Postgres event store's own pool (appends, reads, subscriptions' polls). */
  EVENTSTORE_POOL_MAX: z.coerce.number().int().min(2).max(1000).default(10),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\/.+/, 'must be a nats:// URL')
    .default('nats://127.0.0.1:4222'),
  EVENTSTORE_URL: z.string().regex(EVENTSTORE_URL, 'must be a postgres://, kurrentdb:// or esdb:// URL').optional(),
  RAILYARD_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RAILYARD_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  RAILYARD_JWT_ISSUER: z.string().min(1).optional(),
  RAILYARD_JWT_AUDIENCE: z.string().min(1).optional(),
  RAILYARD_API_KEYS: apiKeysSchema.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  // NATS reconnects forever; these shape the backoff between attempts (doubling from the first to the cap).
  NATS_RECONNECT_WAIT_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  NATS_RECONNECT_MAX_WAIT_MS: z.coerce.number().int().min(10).max(300_000).default(5000),
  SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated NATS tokens')
    .default('railyard'),
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * What this process runs (see ServiceRole): `all` (the default: the HTTP API and the background work), `web`
   * (the HTTP API only: no relay, projections, durable consumers or sealer) or `worker` (everything, for a process
   * beside web ones that takes the background work's leases; it serves HTTP too, for health and metrics).
   */
  RAILYARD_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  // Requests per principal (per IP when unauthenticated) per window, per replica; 0 turns the limit off.
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(6000),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/**
 * Parses the environment once against a zod object schema. Empty variables count as unset (compose files and
 * shells often export `FOO=`). Throws ConfigError naming each bad variable.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(environment)'),
      message: issue.message,
    })),
  );
}

/** loadConfig for main(): on a ConfigError, prints the message to stderr and exits 1. */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * A variable holding JSON that must match `schema` (policies, tables): a malformed value stops start-up with the
 * variable's name and each path that is wrong.
 */
export const jsonVariable = <S extends z.ZodType>(schema: S) =>
  z.string().transform((raw, ctx): z.infer<S> => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return z.NEVER;
    }
    return parsed.data;
  });
