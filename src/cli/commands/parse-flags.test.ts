import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './parse-flags.ts';

test('durations: days for --since and --older-than, ms not read as minutes, zero refused', () => {
  assert.deepEqual(['90d', '1d12h', '1h30m', '5ms', '45'].map((v) => parseDuration(v, '--since', 0)), [90 * 86_400_000, 36 * 3_600_000, 90 * 60_000, 5, 45_000]);
  assert.equal(parseDuration(undefined, '--since', 7), 7);
  assert.throws(() => parseDuration('0d', '--since', 0), /--since must be a positive duration/);
  assert.throws(() => parseDuration('soon', '--since', 0), /--since must be a duration/);
});
