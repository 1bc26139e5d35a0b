import pg from 'pg';
import { diffSnapshots, type DownProgress } from '../../core/db-schema.ts';
import { AdapterError } from '../../core/errors.ts';
import type { SchemaDatabase } from '../../core/ports.ts';
import { judgeTransaction } from '../../analyzers/sql-migration/transaction-blockers.ts';
import { loadParser } from '../../analyzers/sql-migration/pg-parser.ts';
import { snapshotSchema } from './schema-snapshot.ts';
import { schemaDdl } from './schema-ddl.ts';

/** The connection string with any password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

/** Host, port and database only: what messages name (no user, no password, no options). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres ${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)'}`;
  } catch {
    return 'postgres (unparseable URL)';
  }
}

/**
 * The marker: one row per (run, down file), updated in the same transaction as each statement it
 * counts, so a resume after a crash knows exactly what this run applied and never runs it twice.
 * In its own schema, which the snapshot leaves out.
 */
const MARKER_DDL = [
  'CREATE SCHEMA IF NOT EXISTS rewind',
  'CREATE TABLE IF NOT EXISTS rewind.down_migrations (run_id text NOT NULL, path text NOT NULL, done integer NOT NULL, total integer NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (run_id, path))',
];
const MARK = `INSERT INTO rewind.down_migrations (run_id, path, done, total, at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (run_id, path) DO UPDATE SET done = excluded.done, total = excluded.total, at = excluded.at`;

/**
 * The app's PostgreSQL through `pg` (the real wire protocol). `url` comes from the app's
 * reference (env or file); it is never put in a message: errors name `describeUrl` only, and
 * the driver's own messages are scrubbed of it.
 */
export function createSchemaDatabase(url: string, now: () => Date): SchemaDatabase {
  const where = describeUrl(url);
  const scrub = (m: string) => m.split(url).join(where);
  const withClient = async <T>(op: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    client.on('notice', () => undefined);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      throw new AdapterError('postgres', 'connect', `${where}: ${scrub((e as Error).message)}`, { transient: true });
    }
    try {
      return await fn(client);
    } catch (e) {
      if (e instanceof AdapterError) throw e;
      throw new AdapterError('postgres', op, `${where}: ${scrub((e as Error).message)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const progress = async (c: pg.Client, runId: string, path: string): Promise<DownProgress | undefined> => {
    const exists = await c.query<{ t: string | null }>("select to_regclass('rewind.down_migrations')::text as t");
    if (!exists.rows[0]?.t) return undefined;
    const r = await c.query<{ done: number; total: number; at: Date }>('select done, total, at from rewind.down_migrations where run_id = $1 and path = $2', [runId, path]);
    const row = r.rows[0];
    return row ? { runId, path, done: row.done, total: row.total, at: row.at.toISOString() } : undefined;
  };
  return {
    description: where,
    snapshotSchema: () => withClient('snapshot schema', (c) => snapshotSchema(c, now())),
    schemaDdl: () => withClient('read schema', (c) => schemaDdl(c)),
    downProgress: (runId, path) => withClient('read marker', (c) => progress(c, runId, path)),
    runDown: ({ runId, path, sql }) => withClient('down migration', async (c) => {
      // A resumed run never planned in this process: nothing else loaded the parser (the crash campaign's find).
      await loadParser();
      const judged = judgeTransaction(sql);
      if (judged.kind === 'unparseable') throw new AdapterError('postgres', 'down migration', `${path} does not parse: ${judged.message}`);
      const total = judged.statements.length;
      for (const ddl of MARKER_DDL) await c.query(ddl);
      const before = await snapshotSchema(c, now());
      const already = (await progress(c, runId, path))?.done ?? 0;
      const inTransaction = judged.kind === 'transactional';
      const mark = (done: number) => c.query(MARK, [runId, path, done, total, now()]);
      let done = already;
      try {
        if (inTransaction && already === 0) {
          await c.query('BEGIN');
          for (const statement of judged.statements) {
            await c.query(statement);
            done++;
          }
          await mark(done);
          await c.query('COMMIT');
        } else {
          for (const statement of judged.statements.slice(already)) {
            // A statement that may run in a transaction shares one with its marker; a blocker cannot, so its marker follows it.
            const own = judgeTransaction(statement);
            const alone = own.kind === 'per-statement';
            if (!alone) await c.query('BEGIN');
            await c.query(statement);
            await mark(done + 1);
            if (!alone) await c.query('COMMIT');
            done++;
          }
        }
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        const state = inTransaction && already === 0 ? 'rolled back: the schema is as it was' : `${done} of ${total} statements applied (they cannot share one transaction${judged.kind === 'per-statement' ? `: ${judged.blockers.join(', ')}` : ''}); a resume continues at statement ${done + 1}`;
        throw new AdapterError('postgres', 'down migration', `${where}: ${path} statement ${done + 1} failed (${scrub((e as Error).message)}); ${state}`);
      }
      const after = await snapshotSchema(c, now());
      return { inTransaction, statements: total, alreadyApplied: already, blockers: judged.kind === 'per-statement' ? judged.blockers : [], before, after, changes: diffSnapshots(before, after) };
    }),
  };
}
