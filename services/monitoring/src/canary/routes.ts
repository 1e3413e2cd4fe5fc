import type { EventStore } from '@railyard/eventstore';
import type { App } from '@railyard/service-kit';
import { createJudgementCommands } from './canary-commands.js';
import { getJudgementRoute } from './get-judgement/route.js';
import { judgeCanaryRoute } from './judge-canary/route.js';

/** The canary capability (M5): judge samples, keep every judgement as an event, re-judge it from the log. */
export async function registerCanaryRoutes(app: App, deps: { store: EventStore; now: () => Date }) {
  await app.register(judgeCanaryRoute, { commands: createJudgementCommands(deps.store), now: deps.now });
  await app.register(getJudgementRoute, { store: deps.store });
}
