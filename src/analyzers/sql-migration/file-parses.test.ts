import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWindowSync, type MigrationSource } from './analyze-window.ts';
import { FileParses } from './file-parses.ts';
import { splitSections } from './migration-sections.ts';
import { loadParser, parseSql, type SqlParse } from './pg-parser.ts';

before(() => loadParser());

const text = (path: string, content: string): MigrationSource => ({ kind: 'text', path, content });

// Small files a batch joins: bodies (dollar- and single-quoted, one with '' that only the body's
// location finds),
// non-ASCII text, no final `;`, comments and whitespace only, a dbmate down, an unreadable file, a
// file that does not parse, a string left open to the next file, and a file past the batch size.
const files: MigrationSource[] = [
  text('001.sql', "CREATE TABLE a (id int, note text);\nCOMMENT ON TABLE a IS 'café ☕; not a cut';\nALTER TABLE a DROP COLUMN note"),
  text('002.sql', "-- only a comment, no newline at the end"),
  text('003.sql', "   \n\t"),
  text('004.sql', "COMMENT ON TABLE a IS 'ünïcode';\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN DROP TABLE q; END';\nDO $$ BEGIN ALTER TABLE a RENAME COLUMN id TO id2; EXECUTE 'DROP TABLE z'; END $$;\nSELECT f();\nCREATE FUNCTION h() RETURNS void LANGUAGE plpgsql AS 'BEGIN RAISE NOTICE ''x''; DROP TABLE r; END';"),
  { kind: 'unreadable', path: '005.sql', reason: 'permission denied' },
  text('006.sql', '-- migrate:up\nALTER TABLE users ADD COLUMN kyc text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN kyc;\n'),
  text('007.sql', 'ALTER TABLE a ADD COLUMN x int;\nSELEC broken;\n'),
  text('008.sql', "SELECT 'left open;\n"),
  text('009.sql', "SELECT 'closed here';\nDROP TABLE b;\n"),
  text('010.sql', Array.from({ length: 600 }, (_, i) => `ALTER TABLE big ADD COLUMN IF NOT EXISTS c${i} text;`).join('\n')),
  text('011.sql', 'CREATE INDEX CONCURRENTLY i ON a (id);\nDROP INDEX i;'),
  text('012.sql', "CREATE OR REPLACE FUNCTION g() RETURNS void LANGUAGE sql AS $fn$ DELETE FROM audit; $fn$;\nALTER TABLE b ALTER COLUMN c SET NOT NULL;"),
];

test('small files judged from one parse of several give the report each gives judged alone', () => {
  assert.ok(files.some((f) => f.kind === 'text' && f.content.length > 16 * 1024), 'a file past the batch size');
  const together = analyzeWindowSync(files, { window: false });
  const alone = files.map((f) => analyzeWindowSync([f], { window: false }).files[0]);
  assert.deepEqual(together.files, alone);
  assert.deepEqual(together.files.map((f) => f.verdict), ['safe', 'safe', 'safe', 'unsafe', 'error', 'safe', 'error', 'error', 'unsafe', 'safe', 'safe', 'unsafe']);
});

test("a text with a NUL (where the parser's C string ends) is never joined: the files after it keep their statements", () => {
  const withNul: MigrationSource[] = [text('1.sql', 'ALTER TABLE a ADD COLUMN b int;'), text('2.sql', 'SELECT 1;\n-- a\0b\nDROP TABLE x;'), text('3.sql', 'DROP TABLE y;\nDROP TABLE z;')];
  const together = analyzeWindowSync(withNul, { window: false });
  assert.deepEqual(together.files, withNul.map((f) => analyzeWindowSync([f], { window: false }).files[0]));
  assert.deepEqual(together.files[2]?.findings.map((f) => f.line), [1, 2]);
});

test('each batched file gets its own statements; a batch whose join does not parse, or a file past the size, gets none', () => {
  const shape = (p: SqlParse | { kind: 'ok'; statements: readonly { start: number; end: number | undefined }[] }) =>
    p.kind === 'ok' ? p.statements.map((s) => [s.start, s.end]) : 'error';
  // Batches of at most 200 characters: several batches, some of one file.
  const parses = new FileParses(files, 200);
  let joined = 0;
  files.forEach((f, i) => {
    if (f.kind !== 'text') return;
    const up = splitSections(f.content).up;
    const got = parses.take(i);
    const alone = parseSql(up);
    if (alone.kind === 'error' || up.length > 200) assert.equal(got, undefined, f.path);
    else if (got) {
      joined++;
      assert.deepEqual(shape({ kind: 'ok', statements: got.statements }), shape(alone), f.path);
    }
  });
  assert.ok(joined >= 3, `${joined} files had their statements from a join`);
  // 001-009 are one batch, and 007 does not parse (nor 008 with 009): each is left to its judge to
  // parse alone; 011 and 012, past the large 010, are one batch.
  const batched = new FileParses(files);
  const got = files.map((f, i) => (f.kind === 'text' ? batched.take(i) : undefined));
  assert.deepEqual(
    got.map((g) => g !== undefined),
    [false, false, false, false, false, false, false, false, false, false, true, true],
  );
});

test("a batch's body statements are parsed in one call, each file handed the parses of its own bodies", () => {
  // Every file parses at the top level, so all are one batch; their bodies hold statements that
  // parse (the batch's body join parses) or, in the second set, one that does not (each alone).
  const good: MigrationSource[] = [
    text('1.sql', "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN DROP TABLE q; END';\nSELECT f();"),
    text('2.sql', 'ALTER TABLE a ADD COLUMN b int;'),
    text('3.sql', "DO $$ BEGIN ALTER TABLE a RENAME COLUMN b TO c; EXECUTE 'DROP TABLE z'; END $$;\nCREATE FUNCTION g() RETURNS void LANGUAGE sql AS $fn$ DELETE FROM audit; UPDATE t SET x = 1; $fn$;"),
    text('4.sql', "DO $$ BEGIN PERFORM f(); DELETE FROM ü WHERE x = 'é'; END $$;"),
  ];
  const bad: MigrationSource[] = [...good, text('5.sql', 'DO $$ BEGIN SELEC broken; UPDATE t SET y = 2; END $$;')];
  for (const set of [good, bad]) {
    const parses = new FileParses(set);
    const taken = set.map((_, i) => parses.take(i));
    assert.ok(taken.every((t) => t !== undefined), 'one batch');
    assert.ok(taken.filter((t) => (t?.bodies.texts.length ?? 0) > 0).length >= 3, 'bodies in several files');
    const shape = (ps: readonly SqlParse[]) => ps.map((p) => (p.kind === 'ok' ? p.statements.map((s) => [s.start, s.end, Object.keys(s.node)[0]]) : p.message));
    for (const t of taken) if (t) assert.deepEqual(shape(t.bodyParses), shape(t.bodies.texts.map((s) => parseSql(s))));
    assert.deepEqual(analyzeWindowSync(set, { window: false }).files, set.map((f) => analyzeWindowSync([f], { window: false }).files[0]));
  }
});
