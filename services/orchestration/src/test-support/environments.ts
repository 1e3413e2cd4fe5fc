/** A registration body for POST /environments, for tests that need an environment to act on. */
export const environmentBody = (name: string, tier: string, over: Record<string, unknown> = {}) => ({
  name,
  service: 'checkout',
  tier,
  region: 'eu',
  iac: {
    template: 'git@infra:modules/checkout',
    version: '4.2.0',
    parameters: { replicas: 2, flags: { beta: false } },
  },
  ...over,
});
