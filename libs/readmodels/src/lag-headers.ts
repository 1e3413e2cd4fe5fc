import type { ProjectionRunner } from './projection-runner.js';

/** Response headers that tell a list's caller how far behind the projection it read is (DESIGN §4). */
export interface ProjectionLagHeaders {
  /** The global position the projection has committed. */
  'x-projection-position': string;
  /** How many events it has still to apply (0 when caught up; counted up to 10,000). */
  'x-projection-lag': string;
}

/** The position and lag of a projection as HTTP headers, for list and report responses. */
export async function projectionLagHeaders(
  runner: Pick<ProjectionRunner, 'position' | 'lag'>,
): Promise<ProjectionLagHeaders> {
  const [position, lag] = await Promise.all([runner.position(), runner.lag()]);
  return { 'x-projection-position': position.toString(), 'x-projection-lag': lag.toString() };
}
