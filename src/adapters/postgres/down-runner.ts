import pg from 'pg';
import { AdapterError } from '../../core/errors.ts';
import { diffSnapshots, snapshotSchema, type SchemaSnapshot } from './schema-snapshot.ts';
import { judgeTransaction } from './transaction-blockers.ts';

/** The connection string with any password masked: it names the database in errors and never carries the secret. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

export interface DownRun {
  readonly inTransaction: boolean;
  readonly statements: number;
  /** Statements PostgreSQL refuses in a transaction block (why the run was not atomic). */
  readonly blockers: readonly string[];
  readonly before: SchemaSnapshot;
  readonly after: SchemaSnapshot;
  readonly changes: readonly string[];
}

/**
 * Runs a down migration against the app's database: in one transaction when every statement
 * allows it (a failure leaves the schema as it was), else statement by statement in order (a
 * failure leaves the ones before it applied; the error says how far it got). Snapshots the
 * schema before and after. `url` comes from the app's reference (env or file), never from logs.
 */
export async function runDownMigration(url: string, sql: string, now: () => Date): Promise<DownRun> {
  const judged = judgeTransaction(sql);
  if (judged.kind === 'unparseable') throw new AdapterError('postgres', 'down migration', `the down migration does not parse: ${judged.message}`);
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    throw new AdapterError('postgres', 'connect', `${redactUrl(url)}: ${(e as Error).message}`, { cause: e, transient: true });
  }
  client.on('notice', () => undefined);
  try {
    const before = await snapshotSchema(client, now());
    const inTransaction = judged.kind === 'transactional';
    let done = 0;
    try {
      if (inTransaction) await client.query('BEGIN');
      for (const statement of judged.statements) {
        await client.query(statement);
        done++;
      }
      if (inTransaction) await client.query('COMMIT');
    } catch (e) {
      if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      const where = inTransaction ? 'rolled back: the schema is as it was' : `${done} of ${judged.statements.length} statements applied before it (they cannot share a transaction: ${judged.kind === 'per-statement' ? judged.blockers.join(', ') : ''})`;
      throw new AdapterError('postgres', 'down migration', `statement ${done + 1} failed (${(e as Error).message}); ${where}`, { cause: e });
    }
    const after = await snapshotSchema(client, now());
    return { inTransaction, statements: judged.statements.length, blockers: judged.kind === 'per-statement' ? judged.blockers : [], before, after, changes: diffSnapshots(before, after) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
