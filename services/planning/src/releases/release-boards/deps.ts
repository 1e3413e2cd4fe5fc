import type { ProjectionRunner } from '@railyard/readmodels';
import type { Kysely } from 'kysely';
import type { ReleaseBoardsDb } from './projection.js';

/** What the board routes read: the projection's tables, and its runner for the lag headers. */
export interface ReleaseBoardsDeps {
  db: Kysely<ReleaseBoardsDb>;
  runner: ProjectionRunner;
}
