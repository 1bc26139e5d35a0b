import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'libpg-query';
import { loadParser, parseSql } from './pg-parser.ts';
import { WindowState } from './window-state.ts';

before(() => loadParser());

function record(w: WindowState, sql: string, line = 1): void {
  const p = parseSql(sql);
  assert.equal(p.kind, 'ok');
  for (const s of p.kind === 'ok' ? p.statements : []) w.record(s.node, { path: 'm.sql', line });
}

const origin = (w: WindowState, kind: 'relation' | 'column', name: string) => w.origin({ kind, name })?.line;

test("a renamed new table's columns stay new under each name it takes; other tables' columns do not move", () => {
  const w = new WindowState();
  record(w, 'CREATE TABLE a (x int, y text);', 1);
  record(w, 'CREATE TABLE ab (z int);', 2);
  record(w, 'ALTER TABLE a ADD COLUMN w int;', 3);
  record(w, 'ALTER TABLE a RENAME TO b;', 4);
  record(w, 'ALTER TABLE b RENAME COLUMN x TO x2;', 5);
  record(w, 'ALTER TABLE public.b RENAME TO c;', 6);
  assert.deepEqual(['c.x', 'c.x2', 'c.y', 'c.w', 'b.x2'].map((n) => origin(w, 'column', n)), [1, 1, 1, 3, 1]);
  assert.equal(origin(w, 'relation', 'c'), 1);
  // `ab` shares the prefix `a`, not the table: its column is not carried to b or c (whose unknown
  // columns are new through the table, created at line 1, not at ab's line 2).
  assert.deepEqual(['b.z', 'c.z', 'ab.z'].map((n) => origin(w, 'column', n)), [1, 1, 2]);
  // A table the window did not create: renaming it makes nothing new.
  record(w, 'ALTER TABLE old RENAME TO old2;', 7);
  assert.equal(origin(w, 'column', 'old2.id'), undefined);
});

test('a rename taken back by a rollback leaves no column under the new name; the next rename still carries them', () => {
  const w = new WindowState();
  record(w, 'CREATE TABLE a (x int);', 1);
  const undo = w.checkpoint();
  record(w, 'ALTER TABLE a RENAME TO b;', 2);
  assert.equal(origin(w, 'column', 'b.x'), 1);
  undo.rollback();
  assert.equal(origin(w, 'column', 'b.x'), undefined);
  record(w, 'ALTER TABLE b RENAME TO c;', 3);
  assert.equal(origin(w, 'column', 'c.x'), undefined, 'b was never created: the rename was taken back');
  record(w, 'ALTER TABLE a RENAME TO d;', 4);
  assert.equal(origin(w, 'column', 'd.x'), 1);
});

test("a window's table renames visit each object it created once, not once per rename", () => {
  const w = new WindowState();
  for (let i = 0; i < 2000; i++) record(w, `CREATE TABLE t${i} (c1 int, c2 int);`);
  const renames = parseSql(Array.from({ length: 20 }, (_, i) => `ALTER TABLE t${i} RENAME TO r${i};`).join('\n'));
  assert.equal(renames.kind, 'ok');
  const nodes: Node[] = renames.kind === 'ok' ? renames.statements.map((s) => s.node) : [];
  // Counts the entries every Map and Set iteration yields while the renames are recorded.
  let visited = 0;
  const counting = (iterate: () => Iterator<unknown>) =>
    function (this: unknown): IterableIterator<unknown> {
      const it = iterate.call(this);
      return {
        next: () => {
          const r = it.next();
          if (!r.done) visited++;
          return r;
        },
        [Symbol.iterator]() {
          return this;
        },
      };
    };
  const patched = [Map.prototype, Set.prototype].flatMap((proto) => [Symbol.iterator, 'keys', 'values', 'entries'].map((name) => ({ proto, name, was: Object.getOwnPropertyDescriptor(proto, name) })));
  for (const p of patched) if (p.was) Object.defineProperty(p.proto, p.name, { ...p.was, value: counting(p.was.value as () => Iterator<unknown>) });
  try {
    for (const n of nodes) w.record(n, { path: 'r.sql', line: 1 });
  } finally {
    for (const p of patched) if (p.was) Object.defineProperty(p.proto, p.name, p.was);
  }
  assert.equal(origin(w, 'column', 'r19.c2'), 1);
  // At most each of the window's objects once (6,000: 2,000 tables, 4,000 columns, and the new
  // names), and each renamed table's own columns (40).
  assert.ok(visited <= 6000 + 20 + 20 * 2, `20 renames in a window of 6,000 objects visited ${visited} entries`);
});
