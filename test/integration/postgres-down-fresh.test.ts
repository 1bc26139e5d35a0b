import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createSchemaDatabase } from '../../src/adapters/postgres/down-runner.ts';
import { createDownRehearsal, createPgServerTarget } from '../../src/adapters/postgres-replay/index.ts';

/**
 * The down migration in a process that never planned: `rewind resume` after a crash before
 * `db.down-migration` runs the step without gathering facts, so nothing loaded the SQL parser
 * first (the crash campaign found the resumed run failing with "WASM module not initialized").
 * Its own file, so no other test in the process loads the parser: this file must never call loadParser.
 */
const url = process.env['REWIND_TEST_PG_URL'];

if (!url) {
  // NOTE: in CI a missing database is a failure, not a skip. Locally it is reported as skipped, never as a pass.
  test('a down migration in a fresh process', { skip: process.env['CI'] ? false : 'REWIND_TEST_PG_URL not set' }, () => {
    assert.fail('REWIND_TEST_PG_URL is not set in CI; .ci/run should start Postgres');
  });
} else {
  describe('a down migration in a fresh process (resume after a crash)', () => {
    const db = `rewind_fresh_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    let dbUrl = '';
    const admin = new pg.Client({ connectionString: url });
    const now = () => new Date('2026-05-20T14:30:00Z');
    const down = 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text;\nCREATE INDEX CONCURRENTLY catalog_items_legacy_sku_idx ON catalog_items (legacy_sku);\n';
    before(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db}`);
      const u = new URL(url);
      u.pathname = `/${db}`;
      dbUrl = u.toString();
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      await c.query('CREATE TABLE catalog_items (id int primary key, sku text not null)');
      await c.end();
    });
    after(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    });

    test('the rehearsal (finish --dry-run) and the down itself parse the file without anyone loading the parser first', async () => {
      const rehearsal = createDownRehearsal(() => createPgServerTarget(dbUrl));
      const r = await rehearsal.rehearse({ schema: ['CREATE TABLE catalog_items (id int primary key, sku text not null)'], sql: down });
      assert.equal(r.ok, true, JSON.stringify(r));
      const run = await createSchemaDatabase(dbUrl, now).runDown({ runId: 'run-fresh', path: 'db/0042.down.sql', sql: down });
      assert.equal(run.statements, 2);
      assert.equal(run.inTransaction, false, 'CREATE INDEX CONCURRENTLY runs outside a transaction');
    });
  });
}
