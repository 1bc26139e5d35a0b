import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../scripts/squawk-compare.ts';

test('where Squawk flags backward compatibility, rewind never says safe without a reason', async () => {
  const rows = await compare('test/fixtures/migrations/compare');
  assert.ok(rows.length >= 30);
  const silent = rows.filter((r) => r.agreement === 'squawk-only');
  assert.deepEqual(silent.map((r) => r.file), []);
  // And rewind sees what Squawk does not: inside DO blocks.
  assert.equal(rows.find((r) => r.file.includes('do_rename'))?.agreement, 'rewind-only');
});
