import type { EventStore } from '@railyard/eventstore';
import type { GrantLedger } from '../grants/grant-ledger.js';
import type { PlanCommands, SchemaCommands } from './plan-store.js';

/** What the plan command routes share: the handlers, the store (to read plans and schemas), the clock. */
export interface PlanRouteDeps {
  store: EventStore;
  commands: PlanCommands;
  schemas: SchemaCommands;
  now: () => Date;
  /** How long a minute lasts (ORCHESTRATION_MINUTE_MS): escalation deadlines are in plan minutes. */
  minuteMs: number;
  /** Governance's grants as this service learnt them: the lead's actions on a prod-tier plan need a `lead` grant. */
  grants: GrantLedger;
}
