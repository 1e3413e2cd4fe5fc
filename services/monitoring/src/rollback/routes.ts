import type { AnalysisTemplate } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import type { WatchedDeployment } from './analysis-watcher.js';
import { getWatchRoute } from './get-watch/route.js';
import { startAnalysisRoute } from './start-analysis/route.js';
import { createWatchCommands } from './watch-commands.js';

/** The rollback capability (M6): analysis runs of deployments against their release's criteria, and the triggers. */
export async function registerRollbackRoutes(
  app: App,
  deps: {
    store: EventStore;
    watched: (deploymentId: string) => Promise<WatchedDeployment | 'unknown' | 'no-criteria'>;
    template: AnalysisTemplate;
    now: () => Date;
  },
) {
  await app.register(getWatchRoute, { store: deps.store });
  await app.register(startAnalysisRoute, { ...deps, commands: createWatchCommands(deps.store) });
}
