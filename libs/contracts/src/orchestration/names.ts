import { z } from 'zod';
import { EnvironmentName } from '../pipeline/definition-events.js';
import { streamName } from '../streams.js';

/**
 * An environment's name: its identity. The same shape as the pipeline's deploy stages name environments, so a
 * `DeploymentRequested` addresses an orchestration environment as it is.
 */
export const OrchestrationEnvironmentName = EnvironmentName;
/** A team name, as quotas key on it. */
export const TeamName = z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'a lowercase team name (letters, digits, dashes)');
/** A dataset's name: its identity. */
export const DatasetName = z.string().regex(/^[a-z][a-z0-9._-]{0,99}$/, 'a lowercase dataset name');
export const EnvironmentTier = z.enum(['dev', 'test', 'staging', 'preprod', 'prod', 'ephemeral']);
export type EnvironmentTier = z.infer<typeof EnvironmentTier>;
export const ReleasePhase = z.enum(['integration', 'final-integration', 'uat', 'performance', 'release']);
export type ReleasePhase = z.infer<typeof ReleasePhase>;
export const DataClassification = z.enum(['public', 'internal', 'confidential', 'restricted']);
export type DataClassification = z.infer<typeof DataClassification>;
/** A JSON Pointer (RFC 6901): empty (the whole document) or slash-separated tokens. */
export const JsonPointer = z.string().regex(/^(\/([^~]|~[01])*)*$/, 'a JSON Pointer (RFC 6901)');

/** `environment-<name>`: registration, IaC source, reported configuration, drift, lifecycle. */
export const environmentStream = (name: string) => streamName('environment', name);
/** `bookingCalendar-<environment>`: the bookings of one environment and its waiting queue. */
export const bookingCalendarStream = (environment: string) => streamName('bookingCalendar', environment);
/** `dataset-<name>`: a dataset's classification and its masking attestations. */
export const datasetStream = (name: string) => streamName('dataset', name);
/** `quota-<team>.<environment>`: one team's limits and reservations in one environment (dots never occur in names). */
export const quotaStream = (team: string, environment: string) => streamName('quota', `${team}.${environment}`);
/** `deploymentCalendar-<id>`: allow/deny windows and holiday rules. */
export const deploymentCalendarStream = (id: string) => streamName('deploymentCalendar', id);
/** `windowOverride-<id>`: one emergency override of the deployment windows. */
export const windowOverrideStream = (id: string) => streamName('windowOverride', id);
