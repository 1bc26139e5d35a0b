import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as pkg from 'libpg-query';
import { PgWasm, type PgWasmModule } from './pg-wasm.ts';

let own: PgWasm;

before(async () => {
  await pkg.loadModule();
  const m = await import('libpg-query/wasm/libpg-query.js');
  own = new PgWasm((await m.default()) as PgWasmModule);
});

function outcome(run: () => unknown): unknown {
  try {
    return { tree: run() };
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    return { message: err.message, cursor: err.sqlDetails?.cursorPosition };
  }
}

const sql = [
  'CREATE TABLE t (id int, note text);',
  "-- é\nCREATE TABLE \"naïve\" (note text DEFAULT 'ñ'); ALTER TABLE \"naïve\" DROP COLUMN note;",
  "SELECT '🙂', 'x' FROM t WHERE a = 'ü';",
  'SELEC oops;',
  "-- ñ\nSELECT 'ü' FROM;",
  "SELECT 'unterminated;",
  'SELECT 1',
  '-- only a comment',
  'x'.repeat(70_000),
  'SELECT 1;\n'.repeat(20_000),
];

test('a parse through the C entry points is the package parseSync: the same tree, or the same message and cursor', () => {
  for (const text of sql) {
    assert.deepEqual(outcome(() => own.parse(text)), outcome(() => pkg.parseSync(text)), text.slice(0, 60));
  }
});

const plpgsql = [
  "DO $$ BEGIN UPDATE t SET a = 'ø'; EXECUTE 'DROP TABLE x'; PERFORM f(); END $$;",
  'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$;',
  "DO $$ BEGIN IF x THEN RAIS 'bad'; END IF; END $$;",
  'DO $$ BEGIN RETURN ; SELEC; END $$;',
];

test('a PL/pgSQL parse through the C entry points is the package parsePlPgSQLSync: the same functions, or the same message', () => {
  for (const text of plpgsql) {
    assert.deepEqual(outcome(() => own.parsePlpgsql(text)), outcome(() => pkg.parsePlPgSQLSync(text)), text);
  }
});
