import { v5 as uuidv5 } from 'uuid';

// Governance opens one incident per escalated anomaly, its id the RFC 9562 name-based UUID of the anomaly's id in
// governance's namespace (services/governance/src/incidents/open-from-escalation/reactor.ts): the story finds the
// incident a page opened from the page alone, as an on-call engineer following the PagerDuty link would.
const INCIDENT_FROM_ANOMALY = '3b0f5d2e-2c55-4a8e-9b8e-5f1f7a0c6d41';
export const incidentIdOfAnomaly = (anomalyId: string) => uuidv5(anomalyId, INCIDENT_FROM_ANOMALY);
