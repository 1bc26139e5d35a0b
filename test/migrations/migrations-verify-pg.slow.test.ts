import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyBookstore } from './verify-scenario.ts';

// CI starts Debian's postgresql 15 (pg_ctl, see real-components.md §3) and sets REWIND_TEST_PG_URL.
// Without it the test is skipped locally, but fails loudly in CI: a silent skip would hide a broken setup.
const url = process.env['REWIND_TEST_PG_URL'];

test('verify on a real PostgreSQL (--database-url): same result as PGlite, throwaway database dropped', { skip: !url && !process.env['CI'] ? 'REWIND_TEST_PG_URL not set' : false }, async () => {
  if (!url && process.env['CI']) assert.fail('CI=true but REWIND_TEST_PG_URL is not set: start postgresql 15 and export its URL');
  await verifyBookstore(['--database-url', url ?? '']);
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const left = await c.query("select datname from pg_database where datname like 'rewind_verify_%'");
  await c.end();
  assert.equal(left.rowCount, 0, 'throwaway databases must be dropped');
});
