import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadParser } from './pg-parser.ts';
import { judgeTransaction } from './transaction-blockers.ts';

describe('judgeTransaction', () => {
  before(() => loadParser());

  it('keeps ordinary DDL in one transaction, statement by statement', () => {
    const j = judgeTransaction('ALTER TABLE items ADD COLUMN legacy_sku text;\nUPDATE items SET legacy_sku = sku;\n');
    assert.deepEqual(j, { kind: 'transactional', statements: ['ALTER TABLE items ADD COLUMN legacy_sku text', 'UPDATE items SET legacy_sku = sku'] });
  });

  for (const [sql, what] of [
    ['CREATE INDEX CONCURRENTLY i ON items (sku);', 'CREATE INDEX CONCURRENTLY'],
    ['DROP INDEX CONCURRENTLY IF EXISTS i;', 'DROP INDEX CONCURRENTLY'],
    ['VACUUM items;', 'VACUUM'],
    ['REINDEX TABLE CONCURRENTLY items;', 'REINDEX CONCURRENTLY'],
    ['ALTER SYSTEM SET work_mem = \'8MB\';', 'ALTER SYSTEM'],
    ['CREATE DATABASE scratch;', 'CREATE DATABASE'],
  ] as const) {
    it(`runs a down with ${what} statement by statement`, () => {
      const j = judgeTransaction(`ALTER TABLE items ADD COLUMN n int;\n${sql}\n`);
      assert.equal(j.kind, 'per-statement');
      assert.deepEqual(j.kind === 'per-statement' ? j.blockers : [], [what]);
    });
  }

  it('leaves ALTER TYPE ... ADD VALUE and a plain CREATE INDEX in the transaction (allowed since PostgreSQL 12)', () => {
    assert.equal(judgeTransaction("ALTER TYPE state ADD VALUE 'held';\nCREATE INDEX i ON items (sku);").kind, 'transactional');
  });

  it('says when the down does not parse', () => {
    assert.equal(judgeTransaction('ALTER TABLE items ADD COLUMN;').kind, 'unparseable');
  });
});
