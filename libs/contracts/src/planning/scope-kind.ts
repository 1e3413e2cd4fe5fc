import { z } from 'zod';

export const ScopeItemKind = z.enum(['feature', 'fix', 'chore']);
export type ScopeItemKind = z.infer<typeof ScopeItemKind>;
/** How critical the service a scope item touches is: a factor of the CAB risk score. */
export const Criticality = z.enum(['low', 'medium', 'high']);
export type Criticality = z.infer<typeof Criticality>;
