import type { EventStore } from '@railyard/eventstore';
import type { PlanCommands, SchemaCommands } from './plan-store.js';

/** What the plan command routes share: the handlers, the store (to read plans and schemas), the clock. */
export interface PlanRouteDeps {
  store: EventStore;
  commands: PlanCommands;
  schemas: SchemaCommands;
  now: () => Date;
  /** How long a minute lasts (ORCHESTRATION_MINUTE_MS): escalation deadlines are in plan minutes. */
  minuteMs: number;
}
