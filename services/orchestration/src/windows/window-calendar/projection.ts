import type { DeploymentCalendarEvent, WindowOverrideEvent } from '@railyard/contracts';
import type { RecordedEvent } from '@railyard/eventstore';
import type { ProjectFn } from '@railyard/readmodels';
import type { Transaction } from 'kysely';

/** Tables `orchestration.calendars`, `deployment_windows` and `window_overrides` (O3). */
export interface WindowCalendarDb {
  'orchestration.calendars': {
    calendar_id: string;
    name: string;
    holidays: unknown;
    holiday_selectors: unknown;
    created_at: Date;
  };
  'orchestration.deployment_windows': {
    window_id: string;
    calendar_id: string;
    kind: string;
    purpose: string;
    schedule: string;
    duration_minutes: number;
    time_zone: string;
    selectors: unknown;
    reason: string | null;
    added_by: string;
    added_at: Date;
    removed_at: Date | null;
  };
  'orchestration.window_overrides': {
    override_id: string;
    service: string;
    environment: string;
    from_at: Date;
    until_at: Date;
    reason: string;
    granted_by: string;
    granted_with_role: string;
    granted_at: Date;
  };
}

/** Applies one calendar or override event to the window tables. */
export const projectWindowCalendar: ProjectFn = async (anyTrx, recorded: RecordedEvent) => {
  const trx = anyTrx as Transaction<WindowCalendarDb>;
  const e = { type: recorded.type, data: recorded.data } as DeploymentCalendarEvent | WindowOverrideEvent;
  const at = new Date(recorded.metadata.occurredAt);
  switch (e.type) {
    case 'DeploymentCalendarCreated':
      await trx
        .insertInto('orchestration.calendars')
        .values({
          calendar_id: e.data.calendarId,
          name: e.data.name,
          holidays: JSON.stringify(e.data.holidays),
          holiday_selectors: JSON.stringify(e.data.holidaySelectors),
          created_at: at,
        })
        .onConflict((oc) => oc.column('calendar_id').doNothing())
        .execute();
      return;
    case 'DeploymentWindowAdded': {
      const d = e.data;
      await trx
        .insertInto('orchestration.deployment_windows')
        .values({
          window_id: d.windowId,
          calendar_id: d.calendarId,
          kind: d.kind,
          purpose: d.purpose,
          schedule: d.schedule,
          duration_minutes: d.durationMinutes,
          time_zone: d.timeZone,
          selectors: JSON.stringify(d.selectors),
          reason: d.reason,
          added_by: d.addedBy,
          added_at: at,
          removed_at: null,
        })
        .onConflict((oc) => oc.column('window_id').doNothing())
        .execute();
      return;
    }
    case 'DeploymentWindowRemoved':
      await trx
        .updateTable('orchestration.deployment_windows')
        .set({ removed_at: at })
        .where('window_id', '=', e.data.windowId)
        .execute();
      return;
    case 'EmergencyOverrideGranted': {
      const d = e.data;
      await trx
        .insertInto('orchestration.window_overrides')
        .values({
          override_id: d.overrideId,
          service: d.service,
          environment: d.environment,
          from_at: new Date(d.from),
          until_at: new Date(d.until),
          reason: d.reason,
          granted_by: d.grantedBy,
          granted_with_role: d.grantedWithRole,
          granted_at: at,
        })
        .onConflict((oc) => oc.column('override_id').doNothing())
        .execute();
      return;
    }
  }
};

export async function resetWindowCalendar(anyTrx: unknown): Promise<void> {
  const trx = anyTrx as Transaction<WindowCalendarDb>;
  await trx.deleteFrom('orchestration.window_overrides').execute();
  await trx.deleteFrom('orchestration.deployment_windows').execute();
  await trx.deleteFrom('orchestration.calendars').execute();
}

export const windowCalendarProjection = {
  name: 'window-calendar',
  schema: 'orchestration',
  filter: { categories: ['deploymentCalendar', 'windowOverride'] },
  project: projectWindowCalendar,
  reset: resetWindowCalendar,
} as const;
