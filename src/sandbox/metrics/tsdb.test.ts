import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tsdb } from './tsdb.ts';
import { Scraper } from './scraper.ts';

test('retention drops samples older than the window, and series left empty', () => {
  const db = new Tsdb(60_000);
  db.append({ __name__: 'a' }, 0, 1);
  db.append({ __name__: 'a' }, 30_000, 2);
  db.append({ __name__: 'b' }, 10_000, 1);
  db.trim(80_000); // keeps [20 s, 80 s]
  assert.equal(db.size, 1);
  assert.deepEqual(db.select([{ name: '__name__', type: '=', value: 'a' }])[0]!.t, [30_000]);
});

test('out-of-order samples are dropped; a stale marker is written once', () => {
  const db = new Tsdb(60_000);
  db.append({ __name__: 'a' }, 10, 1);
  db.append({ __name__: 'a' }, 5, 2);
  db.append({ __name__: 'a' }, 20, null);
  db.append({ __name__: 'a' }, 30, null);
  const s = db.select([{ name: '__name__', type: '=', value: 'a' }])[0]!;
  assert.deepEqual([s.t, s.v], [[10, 20], [1, null]]);
});

test('a target that goes away leaves stale markers for its series and its up', async () => {
  const db = new Tsdb(600_000);
  const scraper = new Scraper(db);
  // A target nobody listens on: up is 0.
  await scraper.scrapeAll([{ address: '127.0.0.1:1', cluster: 'us-east', namespace: 'n', pod: 'p', service: 'catalog' }], 1000);
  const up = db.select([{ name: '__name__', type: '=', value: 'up' }]);
  assert.deepEqual(up.map((s) => [s.labels, s.v]), [[{ __name__: 'up', job: 'bookstore', instance: '127.0.0.1:1', cluster: 'us-east' }, [0]]]);
  await scraper.scrapeAll([], 2000);
  assert.deepEqual(up[0]!.v, [0, null]);
});
