/**
 * The well-known development secret `npm start` falls back to, so the quick start works without setup and
 * `railyard token` can mint tokens for it. Public by design: never acceptable in production.
 */
export const DEV_AUTH_SECRET = 'railyard-development-secret-change-me-0000';

/**
 * The environment the services are started with: the launcher's own, plus the development auth secret when
 * neither a secret nor a JWKS URL is configured. Refuses that fallback under NODE_ENV=production.
 */
export function launchEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; warnings: string[] } {
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  if (has('RAILYARD_AUTH_SECRET') || has('RAILYARD_JWKS_URL')) return { env: { ...env }, warnings: [] };
  if (env.NODE_ENV === 'production') {
    throw new Error('RAILYARD_AUTH_SECRET (or RAILYARD_JWKS_URL) must be set when NODE_ENV=production.');
  }
  return {
    env: { ...env, RAILYARD_AUTH_SECRET: DEV_AUTH_SECRET },
    warnings: [
      `RAILYARD_AUTH_SECRET is not set: the services use the public development secret "${DEV_AUTH_SECRET}" ` +
        '(mint tokens with RAILYARD_AUTH_SECRET=<that> npx railyard token …). Production must set its own secret ' +
        '(at least 32 characters) or RAILYARD_JWKS_URL.',
    ],
  };
}

/**
 * The environment of one service: the launcher's, with `PORT` taken from `<SERVICE>_PORT` (e.g. `PLANNING_PORT`)
 * when that is set. Every child gets the same environment otherwise, so a single `PORT` cannot place six services;
 * the per-service variable lets a second platform (the end-to-end test, a demo) run beside the default ports.
 */
export function serviceEnv(service: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const port = env[`${service.toUpperCase().replaceAll('-', '_')}_PORT`];
  return port !== undefined && port.trim() !== '' ? { ...env, PORT: port.trim() } : env;
}
