/**
 * The governance service's stable error codes (G1, G4), carried in problem+json bodies. Clients branch on these,
 * never on messages, so a code is never renamed once published.
 */
export const GovernanceErrorCodes = {
  // G4 incidents
  INCIDENT_NOT_FOUND: 'GOVERNANCE_INCIDENT_NOT_FOUND',
  INCIDENT_EXISTS: 'GOVERNANCE_INCIDENT_EXISTS',
  INCIDENT_ALREADY_RESOLVED: 'GOVERNANCE_INCIDENT_ALREADY_RESOLVED',
  INCIDENT_NOT_RESOLVED: 'GOVERNANCE_INCIDENT_NOT_RESOLVED',
  LINK_DUPLICATE: 'GOVERNANCE_INCIDENT_LINK_DUPLICATE',
  DEPLOYMENT_UNKNOWN: 'GOVERNANCE_DEPLOYMENT_UNKNOWN',
  // G1 DORA
  PERIOD_INVALID: 'GOVERNANCE_DORA_PERIOD_INVALID',
  AS_OF_IN_FUTURE: 'GOVERNANCE_DORA_AS_OF_IN_FUTURE',
  TEAM_UNKNOWN: 'GOVERNANCE_TEAM_UNKNOWN',
} as const;
export type GovernanceErrorCode = (typeof GovernanceErrorCodes)[keyof typeof GovernanceErrorCodes];
