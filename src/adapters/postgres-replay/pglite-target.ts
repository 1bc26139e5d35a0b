import { AdapterError } from '../../core/errors.ts';
import { asReplayFailure, type ReplayTarget } from './replay-target.ts';

/** An in-memory PGlite (Postgres 18 in WASM): no server needed; ~3-7 s to start, ~0.5 GB. */
export async function createPgliteTarget(): Promise<ReplayTarget> {
  let db;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    db = new PGlite();
    await db.waitReady;
  } catch (e) {
    throw new AdapterError('pglite', 'start', (e as Error).message, { cause: e });
  }
  const version = (await db.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? '?';
  let closed = false;
  return {
    description: `PGlite (PostgreSQL ${version})`,
    async exec(sql) {
      try {
        await db.exec(sql);
      } catch (e) {
        throw asReplayFailure(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
