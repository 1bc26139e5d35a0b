import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadParser, parseSql, parseSqlEach, parseSqlPieces, sqlPieceEnd, type RawStatement, type SqlParse } from './pg-parser.ts';

before(() => loadParser());

function whole(text: string): readonly RawStatement[] {
  const p = parseSql(text);
  assert.equal(p.kind, 'ok');
  return p.kind === 'ok' ? p.statements : [];
}

/** Pieces as small as the cuts allow, flattened; undefined when the pieces gave up. */
function inPieces(text: string): RawStatement[] | undefined {
  const out: RawStatement[] = [];
  for (const piece of parseSqlPieces(text, 1)) {
    if (!piece) return undefined;
    out.push(...piece);
  }
  return out;
}

const tricky = [
  "INSERT INTO t VALUES ('a;b', 'it''s; fine');",
  "SELECT E'esc\\'; still string';",
  'SELECT "odd;name" FROM t; -- a comment; with a semicolon',
  '/* block; /* nested; */ still; */ SELECT 1;',
  "DO $body$ BEGIN PERFORM 1; RAISE NOTICE 'x;y'; END $body$;",
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;',
  'SELECT $1::int;',
  "COMMENT ON TABLE t IS 'café ☕;';",
  'SELECT 2',
].join('\n');

test('a text parsed in pieces gives the whole parse’s statements at the whole text’s byte offsets', () => {
  const want = whole(tricky);
  const got = inPieces(tricky);
  assert.ok(got, 'every cut was a statement end');
  assert.equal(got.length, 9);
  assert.deepEqual(
    got.map((s) => [s.start, s.end, JSON.stringify(s.node).replace(/"location":\d+/g, '')]),
    want.map((s) => [s.start, s.end, JSON.stringify(s.node).replace(/"location":\d+/g, '')]),
  );
  // Locations inside a node are relative to its piece: base + location is the whole text's.
  const fn = got[5];
  const loc = (n: unknown): number => Number(/"location":(\d+)/.exec(JSON.stringify(n))?.[1]);
  assert.equal((fn?.base ?? 0) + loc(fn?.node), loc(want[5]?.node));
});

test('a cut the parser does not confirm (a ; inside BEGIN ATOMIC) gives up, and the whole parse decides', () => {
  const text = 'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;';
  assert.equal(inPieces(text), undefined);
  assert.equal(whole(text).length, 2);
});

test('a piece that does not parse gives up instead of guessing', () => {
  assert.equal(inPieces('SELECT 1;\nSELEC 2;\nSELECT 3;'), undefined);
});

test('cuts fall only after a ; outside quotes and comments, at or past the piece size', () => {
  const cuts: number[] = [];
  for (let from = 0; from < tricky.length; ) cuts.push((from = sqlPieceEnd(tricky, from, 1)));
  const ends = ["'it''s; fine');", "E'esc\\'; still string';", '"odd;name" FROM t;', '/* block; /* nested; */ still; */ SELECT 1;', "RAISE NOTICE 'x;y'; END $body$;", 'AS $$ SELECT 1; $$;', 'SELECT $1::int;', "'café ☕;';", 'SELECT 2'];
  assert.equal(cuts.length, ends.length);
  cuts.forEach((c, i) => assert.ok(tricky.slice(0, c).endsWith(ends[i] ?? '?'), `cut ${i} after ${JSON.stringify(tricky.slice(c - 20, c))}`));
  assert.equal(sqlPieceEnd('SELECT 1; SELECT 2;', 0, 1000), 19, 'a text within the size is one piece');
});

/** A parse as offsets and statement types: node-internal locations differ between one call and many. */
function shape(p: SqlParse): unknown {
  return p.kind === 'error' ? { error: p.message } : p.statements.map((s) => ({ start: s.start, end: s.end, type: Object.keys(s.node)[0] }));
}

test('parsing a body’s statement texts in one call gives each text’s own parse', () => {
  const texts = [
    'UPDATE t SET a = 1 WHERE b',
    'CREATE TYPE s AS ENUM (\'new\', \'done\');',
    'DROP TABLE x; DROP TABLE y',
    'SELECT 1 -- a trailing comment, no newline',
    "COMMENT ON TABLE t IS 'café ☕;'",
    '',
    '   ',
    '/* only a comment */',
    'INSERT INTO t VALUES (1);  ',
  ];
  const each = parseSqlEach(texts);
  assert.deepEqual(each.map(shape), texts.map((t) => shape(parseSql(t))));
  assert.ok(each.every((p) => p.kind === 'ok'));
});

test('texts that do not parse alone are parsed alone, even when joined they would', () => {
  // An EXECUTE'd literal may hold anything: two halves of one quoted string must not become one statement.
  const halves = ["SELECT 'a", "b'", 'SELECT 2'];
  assert.deepEqual(parseSqlEach(halves).map(shape), halves.map((t) => shape(parseSql(t))));
  assert.equal(parseSqlEach(halves)[0]?.kind, 'error');
  const broken = ['SELECT 1', 'SELEC 2', 'SELECT 3'];
  assert.deepEqual(parseSqlEach(broken).map(shape), broken.map((t) => shape(parseSql(t))));
  assert.equal(parseSqlEach(broken)[1]?.kind, 'error');
});
