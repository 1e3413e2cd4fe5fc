import type { Relay } from '@railyard/messaging';
import type { ProjectionRunner } from '@railyard/readmodels';
import type { App, ServiceRuntimeBase } from '@railyard/service-kit';
import { startServiceRuntime } from '@railyard/service-kit/backbone';
import type { Kysely } from 'kysely';
import { artifactMigrations } from '../migrations/index.js';
import { buildArtifactApp } from './app.js';
import { createArtifactCommands } from './artifacts/artifact-store.js';
import { type ArtifactCatalogDb, artifactCatalogProjection } from './catalog/projection.js';
import { ContentStore } from './content/content-store.js';
import type { ArtifactPolicies } from './policies.js';
import { startSweeper } from './retention/sweep-timer.js';
import type { KeyVault } from './signing/key-vault.js';
import { createLocalKeyring, type KeyringDb } from './signing/local-keyring.js';

export interface ArtifactRuntimeOptions extends ServiceRuntimeBase {
  /** Where content-addressed blobs are stored (created if missing). */
  storageDir: string;
  /** The keyring's master key (ARTIFACT_MASTER_KEY). */
  masterKey: string;
  policies: ArtifactPolicies;
  /** How often the retention sweeper runs in this process; false: only on request (POST /retention/sweep). */
  sweepIntervalMs?: number | false;
}

export interface ArtifactRuntime {
  app: App;
  db: Kysely<ArtifactCatalogDb>;
  catalog: ProjectionRunner;
  content: ContentStore;
  vault: KeyVault;
  relay?: Relay;
  /** Stops what start opened, in reverse order. Closes neither the store, the pool nor NATS. */
  close(): Promise<void>;
}

/**
 * The artifact service's moving parts, wired by the kit's runtime for main() and the integration tests: its schema,
 * the catalog projection, content storage, the keyring, the retention sweeper and the HTTP app (the relay and the
 * sealer come with the kit).
 */
export async function startArtifactRuntime(options: ArtifactRuntimeOptions): Promise<ArtifactRuntime> {
  const runtime = await startServiceRuntime<ArtifactCatalogDb, 'catalog', { content: ContentStore; vault: KeyVault }>({
    ...options,
    service: 'artifact',
    migrations: artifactMigrations,
    projections: { catalog: artifactCatalogProjection },
    async parts({ store, db, logger, now, onClose }) {
      const content = new ContentStore(options.storageDir);
      await content.init();
      const vault = createLocalKeyring(db as unknown as Kysely<KeyringDb>, options.masterKey);
      if (options.sweepIntervalMs) {
        const sweeper = startSweeper(
          {
            artifacts: createArtifactCommands(store, options.policies.naming),
            content,
            db,
            retention: options.policies.retention,
          },
          { intervalMs: options.sweepIntervalMs, logger, now },
        );
        onClose('retention sweeper', () => sweeper.stop());
      }
      return { content, vault };
    },
    buildApp: ({ store, db, projections, parts, now, kit }) =>
      buildArtifactApp({ ...kit, store, db, catalog: projections.catalog, ...parts, policies: options.policies, now }),
  });
  return { ...runtime, catalog: runtime.projections.catalog, ...runtime.parts };
}
