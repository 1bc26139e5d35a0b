import pg from 'pg';
import { AdapterError, RefusedError } from '../../core/errors.ts';
import type { JournalStore } from '../../core/ports.ts';
import type { JournalRecord, RunSummary } from '../../core/run.ts';

/**
 * The team journal: a real Postgres shared by several `rewind serve` replicas and CLIs.
 * Records are rows (append = one INSERT, durable at commit); the per-app lease is a session
 * advisory lock held on a dedicated connection for the life of the run, so a crashed holder
 * frees it when its connection drops.
 */
export class PostgresJournalStore implements JournalStore {
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  constructor(options: { connectionString: string }) {
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
    // NOTE: an idle client error (server restart) must not crash the CLI; queries report it.
    this.#pool.on('error', () => {});
  }

  #init(): Promise<void> {
    this.#ready ??= this.#query(
      'migrate',
      `CREATE TABLE IF NOT EXISTS rewind_journal (
         seq bigserial PRIMARY KEY,
         run_id text NOT NULL,
         app text,
         type text NOT NULL,
         at timestamptz NOT NULL,
         record jsonb NOT NULL);
       CREATE INDEX IF NOT EXISTS rewind_journal_run ON rewind_journal (run_id, seq);`,
    ).then(() => undefined);
    return this.#ready;
  }

  async #query(operation: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.#pool.query(sql, params);
    } catch (e) {
      const err = e as Error & { code?: string };
      throw new AdapterError('postgres', operation, err.message, {
        cause: e,
        transient: err.code === 'ECONNREFUSED' || err.code === '57P01',
        hint: err.code === 'ECONNREFUSED' ? 'is DATABASE_URL pointing at a running Postgres?' : undefined,
      });
    }
  }

  async append(record: JournalRecord): Promise<void> {
    await this.#init();
    const app = record.type === 'run-started' ? record.app : null;
    await this.#query(
      'append',
      'INSERT INTO rewind_journal (run_id, app, type, at, record) VALUES ($1, $2, $3, $4, $5)',
      [record.runId, app, record.type, record.at, JSON.stringify(record)],
    );
  }

  async read(runId: string): Promise<readonly JournalRecord[]> {
    await this.#init();
    const r = await this.#query('read', 'SELECT record FROM rewind_journal WHERE run_id = $1 ORDER BY seq', [runId]);
    return r.rows.map((row: { record: JournalRecord }) => row.record);
  }

  async listRuns(app?: string): Promise<readonly RunSummary[]> {
    await this.#init();
    const r = await this.#query(
      'list-runs',
      `SELECT s.run_id, s.app, s.at AS started_at,
              (SELECT max(at) FROM rewind_journal u WHERE u.run_id = s.run_id) AS updated_at,
              (SELECT record->>'status' FROM rewind_journal u WHERE u.run_id = s.run_id AND u.type = 'run-status'
                ORDER BY seq DESC LIMIT 1) AS status
         FROM rewind_journal s
        WHERE s.type = 'run-started' AND ($1::text IS NULL OR s.app = $1)
        ORDER BY s.at DESC`,
      [app ?? null],
    );
    return r.rows.map((row: { run_id: string; app: string; started_at: Date; updated_at: Date; status: string | null }) => ({
      runId: row.run_id,
      app: row.app,
      status: (row.status ?? 'running') as RunSummary['status'],
      startedAt: row.started_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  async acquireLease(app: string, runId: string): Promise<() => Promise<void>> {
    await this.#init();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw new AdapterError('postgres', 'lease', (e as Error).message, { cause: e });
    }
    const got = await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`rewind:${app}`]);
    if (!(got.rows[0] as { ok: boolean }).ok) {
      client.release();
      const holder = await this.#query(
        'lease',
        `SELECT run_id FROM rewind_journal WHERE type = 'run-started' AND app = $1 ORDER BY seq DESC LIMIT 1`,
        [app],
      );
      const who = (holder.rows[0] as { run_id?: string } | undefined)?.run_id ?? 'unknown';
      throw new RefusedError(`another rewind run (${who}) is in progress for ${app}`, { hint: 'wait for it to finish' });
    }
    void runId;
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`rewind:${app}`]);
      } finally {
        client.release();
      }
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
