import { z } from 'zod';
import { createDeployAgent } from './server.js';

// The agent's own small configuration: port, host and the two Standard Webhooks secrets (`whsec_` + base64).
const Secret = z.string().regex(/^(whsec_)?[A-Za-z0-9+/]{22,}={0,2}$/, 'a whsec_ base64 secret of 16+ bytes');
const Config = z.object({
  DEPLOY_AGENT_PORT: z.coerce.number().int().min(0).max(65535).default(4190),
  DEPLOY_AGENT_HOST: z.string().min(1).default('127.0.0.1'),
  DEPLOY_AGENT_REQUEST_SECRET: Secret.default('whsec_ZGV2LWFnZW50LXJlcXVlc3Qtc2VjcmV0'),
  DEPLOY_AGENT_CALLBACK_SECRET: Secret.default('whsec_ZGV2LWFnZW50LWNhbGxiYWNrLXNlY3JldA=='),
});

const parsed = Config.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`Invalid configuration:\n${z.prettifyError(parsed.error)}\n`);
  process.exit(1);
}
const config = parsed.data;
const agent = createDeployAgent({
  requestSecret: config.DEPLOY_AGENT_REQUEST_SECRET,
  callbackSecret: config.DEPLOY_AGENT_CALLBACK_SECRET,
  logger: true,
});
const url = await agent.listen(config.DEPLOY_AGENT_PORT, config.DEPLOY_AGENT_HOST);
process.stdout.write(`deploy agent listening on ${url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void agent.close().then(() => process.exit(0));
  });
}
