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
