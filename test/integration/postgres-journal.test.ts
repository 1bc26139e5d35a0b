import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresJournalStore } from '../../src/adapters/postgres/postgres-journal-store.ts';
import { runJournalStoreSuite } from '../../src/testing/journal-store-suite.ts';

// A real Postgres 15 (Debian's), started by .ci/run; locally: REWIND_TEST_PG_URL=postgres://...
const url = process.env['REWIND_TEST_PG_URL'];
if (url) {
  runJournalStoreSuite('postgres journal', () => new PostgresJournalStore({ connectionString: url }));
} else {
  // NOTE: in CI a missing database is a failure, not a skip: the suite must have run. Locally it is reported as skipped, never as a pass.
  test('postgres journal', { skip: process.env['CI'] ? false : 'REWIND_TEST_PG_URL not set' }, () => {
    assert.fail('REWIND_TEST_PG_URL is not set in CI; .ci/run should start Postgres');
  });
}
