import path from 'node:path';
import { runServiceMain } from '@railyard/service-kit';
import { artifactConfigSchema, masterKeyOf, namingConventions } from './config.js';

// Composition root: the kit's main (config → telemetry → infrastructure → runtime → listen, shutdown on signals).
// The master key is checked before anything opens; the runtime is imported once telemetry has started.
await runServiceMain({
  service: 'artifact',
  configSchema: artifactConfigSchema,
  prepare: (config) => masterKeyOf(config),
  async start(base, config, master) {
    if (master.warning) base.logger.warn(`WARNING: ${master.warning}`);
    const { startArtifactRuntime } = await import('./runtime.js');
    return startArtifactRuntime({
      ...base,
      sweepIntervalMs: config.ARTIFACT_SWEEP_INTERVAL_MS || false,
      storageDir: path.resolve(config.ARTIFACT_STORAGE_DIR),
      masterKey: master.key,
      policies: {
        naming: namingConventions(config.ARTIFACT_NAMING),
        stages: config.ARTIFACT_STAGE_POLICIES,
        licenses: config.ARTIFACT_LICENSE_POLICY,
        retention: config.ARTIFACT_RETENTION,
        maxUploadBytes: config.ARTIFACT_MAX_UPLOAD_BYTES,
        emptyContentKinds: config.ARTIFACT_EMPTY_CONTENT_KINDS,
      },
    });
  },
});
