import type { App } from '@railyard/service-kit';
import type { AlertIntake } from './alert-intake.js';
import { receiveAlertmanagerRoute } from './receive-alertmanager/route.js';
import { receiveGenericRoute } from './receive-generic/route.js';

/** The alerts capability (M2): Alertmanager's webhook and a generic format, deduplicated and correlated. */
export async function registerAlertRoutes(app: App, deps: { receive: AlertIntake; now: () => Date }) {
  await app.register(receiveAlertmanagerRoute, deps);
  await app.register(receiveGenericRoute, deps);
}
