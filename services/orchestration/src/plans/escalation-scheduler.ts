import { rolloutPlanStream } from '@railyard/contracts';
import type { Logger } from '@railyard/service-kit';
import type { Kysely } from 'kysely';
import type { PlanDb } from './plan-list/projection.js';
import { PLANS_ACTOR } from './plan-reconciler.js';
import type { PlanCommands } from './plan-store.js';

/**
 * O6's escalation: a lead who does not acknowledge a decision within the plan's ackTimeoutMinutes is passed over
 * for the next person of the escalation list. Due times are in the events (LeadDecisionRequested/Escalated), so a
 * restart loses nothing: the next pass finds what fell due meanwhile. The plan list indexes the earliest due time;
 * the plan's decider decides on the folded stream, so a stale row costs a no-op and two replicas append once.
 */
export function createEscalationScheduler(deps: {
  db: Kysely<PlanDb>;
  commands: PlanCommands;
  now: () => Date;
  minuteMs: number;
  intervalMs: number;
  logger: Pick<Logger, 'warn'>;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const at = deps.now();
    const due = await deps.db
      .selectFrom('orchestration.rollout_plans')
      .select('plan_id')
      .where('decision_due_at', '<=', at)
      .execute();
    let appended = 0;
    for (const { plan_id } of due) {
      const result = await deps.commands.handle(
        rolloutPlanStream(plan_id),
        { type: 'EscalateDecisions', actor: PLANS_ACTOR, at, minuteMs: deps.minuteMs },
        { actor: PLANS_ACTOR, now: at, correlationId: `escalation-${plan_id}` },
      );
      appended += result.events.length;
    }
    return appended;
  }

  const tick = () => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    /** One pass at the clock's current time; returns how many events it appended. */
    tick,
    start() {
      timer = setInterval(() => {
        tick().catch((err) => deps.logger.warn({ err }, 'escalation pass failed'));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
export type EscalationScheduler = ReturnType<typeof createEscalationScheduler>;
