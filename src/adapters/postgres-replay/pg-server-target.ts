import pg from 'pg';
import { AdapterError } from '../../core/errors.ts';
import { asReplayFailure, type ReplayTarget } from './replay-target.ts';

/**
 * A real Postgres at `url`. The replay never touches the database the URL names: it creates
 * `rewind_verify_<random>`, replays there, and drops it on close (needs CREATEDB).
 */
export async function createPgServerTarget(url: string): Promise<ReplayTarget> {
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (e) {
    throw new AdapterError('postgres', 'connect', `${redact(url)}: ${(e as Error).message}`, { cause: e, transient: true });
  }
  const name = `rewind_verify_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let client: pg.Client;
  try {
    const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?';
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    client = new pg.Client({ connectionString: target.toString() });
    await client.connect();
    // Notices (e.g. "there is no transaction in progress") are not failures.
    client.on('notice', () => undefined);
    let closed = false;
    return {
      description: `PostgreSQL ${version} at ${where(url)} (throwaway database ${name})`,
      async exec(sql) {
        try {
          await client.query(sql);
        } catch (e) {
          throw asReplayFailure(e);
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await client.end().catch(() => undefined);
        await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
        await admin.end().catch(() => undefined);
      },
    };
  } catch (e) {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw new AdapterError('postgres', 'create throwaway database', (e as Error).message, { cause: e });
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the database URL';
  }
}

/** Host and port only: a description that goes into output and the journal carries no URL. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return 'the database server';
  }
}
