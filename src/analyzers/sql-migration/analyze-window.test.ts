import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWindow, checkNote, renderNote, toSarif, type MigrationSource } from './index.ts';

const text = (path: string, content: string): MigrationSource => ({ kind: 'text', path, content });

test('positions inside DO and function bodies are the file’s line and column', async () => {
  const sql = [
    '-- migration', //                                   1
    'DO $$', //                                          2
    'BEGIN', //                                          3
    '  ALTER TABLE t RENAME COLUMN a TO b;', //          4
    "  EXECUTE 'DROP TABLE foo';", //                    5
    'END $$;', //                                        6
    'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$', // 7
    'BEGIN', //                                          8
    '    ALTER TABLE orders DROP COLUMN price;', //      9
    'END $fn$;', //                                      10
  ].join('\n');
  const r = await analyzeWindow([text('m.sql', sql)]);
  const at = (rule: string) => r.files[0]?.findings.filter((f) => f.rule === rule).map((f) => `${f.line}:${f.column}:${f.verdict}`);
  assert.deepEqual(at('RW108'), ['4:3:unsafe']);
  assert.deepEqual(at('RW102'), ['5:12:unsafe']);
  // Inside a function body: runs only when called, so review here.
  assert.deepEqual(at('RW101'), ['9:5:review']);
});

test('a call to a window function replays its body findings in full at the call site', async () => {
  const sql = 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM audit; ALTER TABLE orders DROP COLUMN legacy; $$;\nSELECT purge();\n';
  const r = await analyzeWindow([text('m.sql', sql)]);
  const onCall = r.files[0]?.findings.filter((f) => f.line === 2).map((f) => `${f.rule}:${f.verdict}`);
  assert.deepEqual(onCall?.sort(), ['RW101:unsafe', 'RW201:review', 'RW215:safe']);
  assert.equal(r.verdict, 'unsafe');
});

test('columns are counted in characters after non-ASCII text', async () => {
  const r = await analyzeWindow([text('m.sql', "COMMENT ON TABLE t IS 'café ☕'; ALTER TABLE t DROP COLUMN x;")]);
  assert.equal(r.files[0]?.findings[0]?.column, 33);
});

test('objects created in the same window are safe to drop, rename or constrain; across files too', async () => {
  const files = [
    text('001.sql', 'CREATE TABLE staging (id int, v text);\nALTER TABLE orders ADD COLUMN tmp text;'),
    text('002.sql', 'ALTER TABLE staging RENAME TO staging2;\nALTER TABLE staging2 ALTER COLUMN v SET NOT NULL;\nALTER TABLE orders DROP COLUMN tmp;\nALTER TABLE orders DROP COLUMN qty;'),
  ];
  const r = await analyzeWindow(files);
  const f2 = r.files[1];
  assert.deepEqual(f2?.findings.map((f) => `${f.line}:${f.rule}:${f.verdict}`), ['1:RW109:safe', '2:RW111:safe', '3:RW101:safe', '4:RW101:unsafe']);
  assert.match(f2?.findings[0]?.message ?? '', /created in this window \(001\.sql:1\)/);
  // lint without --window: each file alone, so the drop of tmp is unsafe.
  const alone = await analyzeWindow(files, { window: false });
  assert.equal(alone.files[1]?.findings.find((f) => f.line === 3)?.verdict, 'unsafe');
});

test('a suppression with a reason silences one finding and is listed; without a reason it is a finding', async () => {
  const sql = '-- rewind:ignore RW101 column unused since v41, see PR 123\nALTER TABLE t DROP COLUMN a;\n-- rewind:ignore RW101\nALTER TABLE t DROP COLUMN b;\n';
  const r = await analyzeWindow([text('m.sql', sql)]);
  const f = r.files[0];
  assert.deepEqual(f?.suppressed.map((s) => [s.rule, s.line, s.reason]), [['RW101', 2, 'column unused since v41, see PR 123']]);
  assert.deepEqual(f?.findings.map((x) => `${x.line}:${x.rule}`), ['3:RW303', '4:RW101']);
});

test('a suppression above a DO block covers the statements in its body', async () => {
  const sql = "-- rewind:ignore RW210 checked by hand: only renames indexes\nDO $$ BEGIN EXECUTE format('ALTER INDEX %I RENAME TO x', 'y'); END $$;";
  const r = await analyzeWindow([text('m.sql', sql)]);
  assert.equal(r.verdict, 'safe');
  assert.equal(r.files[0]?.suppressed.length, 1);
});

test('a parse error is an error finding with the position; other files are still judged', async () => {
  const r = await analyzeWindow([text('a.sql', 'ALTER TABLE x ADD COLUMN y int;\nALTER TABLE ;\n'), text('b.sql', 'DROP TABLE z;'), { kind: 'unreadable', path: 'c.sql', reason: 'permission denied' }]);
  assert.deepEqual(r.files.map((f) => f.verdict), ['error', 'unsafe', 'error']);
  assert.equal(r.verdict, 'error');
  const e = r.files[0]?.findings[0];
  assert.equal(e?.rule, 'RW001');
  assert.deepEqual([e?.line, e?.column], [2, 13]);
});

test('dbmate files are judged on their up section; the down is paired and its drops listed', async () => {
  const sql = '-- migrate:up\nALTER TABLE users ADD COLUMN kyc text;\n\n-- migrate:down\nALTER TABLE users DROP COLUMN kyc;\n';
  const r = await analyzeWindow([text('db/20240101_kyc.sql', sql)]);
  assert.equal(r.verdict, 'safe');
  assert.deepEqual(r.files[0]?.down, { style: 'dbmate', path: 'db/20240101_kyc.sql', exists: true, drops: ['column users.kyc'], sql: 'ALTER TABLE users DROP COLUMN kyc;\n', blockers: [] });
});

test('golang-migrate, diesel and Flyway downs are paired through the lookup', async () => {
  const downs: Record<string, string> = { 'm/1_a.down.sql': 'DROP TABLE a;', 'd/2024_x/down.sql': 'ALTER TABLE b DROP COLUMN c;', 'f/U2__x.sql': 'DROP INDEX i;' };
  const r = await analyzeWindow([text('m/1_a.up.sql', 'CREATE TABLE a (id int);'), text('d/2024_x/up.sql', 'ALTER TABLE b ADD COLUMN c int;'), text('f/V2__x.sql', 'CREATE INDEX i ON b (c);'), text('m/2_b.up.sql', 'SELECT 1;')], { lookup: (p) => downs[p] });
  assert.deepEqual(r.files.map((f) => [f.down?.style, f.down?.exists, f.down?.drops]), [
    ['golang-migrate', true, ['table a']],
    ['diesel', true, ['column b.c']],
    ['flyway-undo', true, []],
    ['golang-migrate', false, []],
  ]);
});

test('the rollback note is filled from the analysis and checked by --require-notes', async () => {
  const r = await analyzeWindow([text('0042_add_kyc_status_column.sql', 'ALTER TABLE users ADD COLUMN kyc_status text;')]);
  const f = r.files[0];
  assert.ok(f);
  const note = renderNote(f);
  assert.match(note, /^-- Migration: 0042_add_kyc_status_column\n-- Forward: add column users\.kyc_status text \(nullable\)\n-- Rollback-safe: yes - /);
  assert.match(note, /-- Rollback action if needed: none required, no app rollback dependency/);
  assert.equal(checkNote(note + 'ALTER TABLE users ADD COLUMN kyc_status text;', 'safe'), undefined);
  assert.equal(checkNote(note, 'unsafe')?.kind, 'contradicts');
  const req = await analyzeWindow([text('a.sql', 'ALTER TABLE t ADD COLUMN x int;'), text('b.sql', note + 'ALTER TABLE users DROP COLUMN kyc_status;')], { requireNotes: true });
  assert.deepEqual(req.files.map((x) => x.findings.map((y) => y.rule)), [['RW301'], ['RW302', 'RW101']]);
});

test('SARIF 2.1.0 carries every finding with its rule, level and region', async () => {
  const r = await analyzeWindow([text('m.sql', 'ALTER TABLE t DROP COLUMN a;\nUPDATE t SET b = 1;')]);
  const s = toSarif(r) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  assert.equal(s.version, '2.1.0');
  const run = s.runs[0];
  assert.ok(run?.tool.driver.rules.some((x) => x.id === 'RW101'));
  assert.deepEqual(run?.results.map((x) => [x.ruleId, x.level, x.locations[0]?.physicalLocation.region.startLine]), [['RW101', 'error', 1], ['RW201', 'warning', 2]]);
});

test('a large file judged in pieces that fails to parse late leaves the window as it was', async () => {
  const filler = Array.from({ length: 3000 }, (_, i) => `ALTER TABLE big ADD COLUMN IF NOT EXISTS c${i} text;`).join('\n');
  const first = `CREATE TABLE t_new (id int);\n${filler}\nSELEC broken;\n`;
  assert.ok(first.length > 128 * 1024, 'more than one piece');
  const r = await analyzeWindow([text('1.sql', first), text('2.sql', 'DROP TABLE t_new;')]);
  assert.equal(r.files[0]?.verdict, 'error');
  assert.match(r.files[0]?.findings[0]?.message ?? '', /syntax error at or near "SELEC" \(line 3002, column 1\)/);
  // t_new was never created: the pieces parsed before the error must not count in the window.
  assert.equal(r.files[1]?.verdict, 'unsafe');
  const ok = await analyzeWindow([text('1.sql', first.replace('SELEC broken', 'SELECT 1')), text('2.sql', 'DROP TABLE t_new;')]);
  assert.equal(ok.files[1]?.verdict, 'safe', 'without the error, the window knows t_new');
});

test('a large file taken back restores what it overwrote in the window, not only what it added', async () => {
  const filler = Array.from({ length: 3000 }, (_, i) => `ALTER TABLE big ADD COLUMN IF NOT EXISTS c${i} text;`).join('\n');
  const purge = text('0.sql', 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DROP TABLE orders $$;');
  const redefine = (tail: string) => text('1.sql', `CREATE OR REPLACE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;\n${filler}\n${tail}\n`);
  const call = text('2.sql', 'SELECT purge();');
  const bodyFindings = (r: Awaited<ReturnType<typeof analyzeWindow>>) => (r.files[2]?.findings ?? []).filter((f) => /calls purge\(\), whose body/.test(f.message)).map((f) => f.verdict);
  // 1.sql does not parse: its new body of purge() is taken back, and the call runs 0.sql's DROP TABLE.
  const broken = await analyzeWindow([purge, redefine('SELEC broken;'), call]);
  assert.equal(broken.files[1]?.verdict, 'error');
  assert.ok(bodyFindings(broken).includes('unsafe'), `the old body's DROP TABLE: ${bodyFindings(broken).join(', ')}`);
  const fixed = await analyzeWindow([purge, redefine('SELECT 1;'), call]);
  assert.deepEqual(bodyFindings(fixed), [], 'without the error, the call runs the new body');
  assert.ok(!(broken.files[2]?.findings ?? []).some((f) => f.verdict === 'unsafe' && !/whose body/.test(f.message)));
});
