import { type Migration, type MigrationResult, Migrator, sql } from 'kysely';
import type { AnyDb } from './db.js';

export interface MigrateSchemaOptions {
  /** The service's Postgres schema (`planning`, `reporting`, …): created if missing, holds the migration tables. */
  schema: string;
  /** In-code migrations by name; they run in name order, so prefix names with a sortable number (`0001_…`). */
  migrations: Record<string, Migration>;
}

export interface MigrateSchemaResult {
  /** Names of the migrations this call executed (empty when the schema was already up to date). */
  executed: string[];
}

/** Raised when a migration fails: names the schema and the migration, keeps the database error as `cause`. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(
    readonly schema: string,
    readonly migrationName: string | undefined,
    cause: unknown,
  ) {
    const what = migrationName ? `migration ${schema}/${migrationName}` : `migrating schema ${schema}`;
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Runs a schema's in-code migrations to the latest one (at service start). The migration tables live inside
 * the schema, so services never share one list. Inside each migration the search_path starts with the schema,
 * so unqualified names (query builder or raw SQL) land in it. Postgres runs the whole batch in one transaction:
 * a failure leaves the schema as it was and throws MigrationFailedError.
 */
export async function migrateSchema(db: AnyDb, options: MigrateSchemaOptions): Promise<MigrateSchemaResult> {
  const { schema } = options;
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(options.migrations)) {
    migrations[name] = {
      async up(trx) {
        // SET LOCAL: the Migrator wraps the batch in a transaction, so the path reverts at commit.
        await sql`select set_config('search_path', ${`${quoteIdent(schema)}, public`}, true)`.execute(trx);
        await migration.up(trx);
      },
      ...(migration.down
        ? {
            async down(trx: AnyDb) {
              await sql`select set_config('search_path', ${`${quoteIdent(schema)}, public`}, true)`.execute(trx);
              await migration.down!(trx);
            },
          }
        : {}),
    };
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error');
    throw new MigrationFailedError(schema, failed?.migrationName, error);
  }
  return { executed: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
