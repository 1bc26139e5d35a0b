import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWindow } from '../index.ts';

/** Per rule: SQL that must trigger it (with the verdict), and SQL that must not. */
const cases: { rule: string; verdict: string; triggers: string[]; not: string[] }[] = [
  { rule: 'RW101', verdict: 'unsafe', triggers: ['ALTER TABLE orders DROP COLUMN qty;', 'ALTER TABLE orders DROP COLUMN IF EXISTS qty CASCADE;'], not: ['ALTER TABLE orders ADD COLUMN qty int;', 'ALTER TABLE orders DROP CONSTRAINT c;'] },
  { rule: 'RW102', verdict: 'unsafe', triggers: ['DROP TABLE orders;', 'DROP TABLE IF EXISTS a, b CASCADE;'], not: ['CREATE TABLE orders (id int);', 'DROP INDEX orders_idx;'] },
  { rule: 'RW103', verdict: 'unsafe', triggers: ['DROP VIEW v;', 'DROP MATERIALIZED VIEW mv;'], not: ['CREATE VIEW v AS SELECT 1;'] },
  { rule: 'RW104', verdict: 'unsafe', triggers: ['DROP FUNCTION f(int);', 'DROP PROCEDURE p;'], not: ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;'] },
  { rule: 'RW105', verdict: 'unsafe', triggers: ['DROP TYPE mood;', 'DROP DOMAIN email;'], not: ["CREATE TYPE mood AS ENUM ('a');"] },
  { rule: 'RW106', verdict: 'unsafe', triggers: ['DROP SEQUENCE s;'], not: ['CREATE SEQUENCE s;', 'ALTER SEQUENCE s RESTART;'] },
  { rule: 'RW107', verdict: 'unsafe', triggers: ['DROP SCHEMA billing CASCADE;'], not: ['CREATE SCHEMA billing;'] },
  { rule: 'RW108', verdict: 'unsafe', triggers: ['ALTER TABLE orders RENAME COLUMN qty TO quantity;', 'ALTER TABLE orders RENAME qty TO quantity;'], not: ['ALTER TABLE orders RENAME CONSTRAINT a TO b;'] },
  { rule: 'RW109', verdict: 'unsafe', triggers: ['ALTER TABLE orders RENAME TO purchases;', 'ALTER VIEW v RENAME TO w;', 'ALTER TYPE mood RENAME TO feeling;', 'ALTER SCHEMA a RENAME TO b;'], not: ['ALTER INDEX i RENAME TO j;'] },
  { rule: 'RW110', verdict: 'unsafe', triggers: ['ALTER TABLE orders SET SCHEMA archive;', 'ALTER FUNCTION f() SET SCHEMA x;'], not: ['ALTER TABLE orders SET (fillfactor = 70);'] },
  { rule: 'RW111', verdict: 'unsafe', triggers: ['ALTER TABLE orders ALTER COLUMN email SET NOT NULL;', 'ALTER DOMAIN email SET NOT NULL;', 'ALTER TABLE orders ADD CONSTRAINT email_nn NOT NULL email;'], not: ['ALTER TABLE orders ALTER COLUMN email DROP NOT NULL;'] },
  { rule: 'RW112', verdict: 'unsafe', triggers: ['ALTER TABLE orders ADD COLUMN kyc text NOT NULL;', 'ALTER TABLE orders ADD COLUMN id2 int PRIMARY KEY;'], not: ["ALTER TABLE orders ADD COLUMN kyc text NOT NULL DEFAULT 'x';", 'ALTER TABLE orders ADD COLUMN n bigserial NOT NULL;', 'ALTER TABLE orders ADD COLUMN g int GENERATED ALWAYS AS (qty * 2) STORED NOT NULL;', 'ALTER TABLE orders ADD COLUMN i int GENERATED ALWAYS AS IDENTITY;'] },
  { rule: 'RW113', verdict: 'unsafe', triggers: ['ALTER TABLE orders ALTER COLUMN qty TYPE bigint;', 'ALTER TABLE orders ALTER COLUMN qty SET DATA TYPE numeric USING qty::numeric;'], not: ['ALTER TABLE orders ALTER COLUMN qty SET DEFAULT 0;'] },
  { rule: 'RW114', verdict: 'unsafe', triggers: ['TRUNCATE orders;', 'TRUNCATE TABLE a, b RESTART IDENTITY;'], not: ['DELETE FROM orders WHERE id = 1;'] },
  { rule: 'RW115', verdict: 'unsafe', triggers: ["ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';"], not: ["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';"] },
  { rule: 'RW201', verdict: 'review', triggers: ['UPDATE orders SET qty = 0 WHERE qty IS NULL;', 'DELETE FROM orders;', 'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a;'], not: ['SELECT * FROM orders;'] },
  { rule: 'RW202', verdict: 'review', triggers: ['ALTER TABLE orders ADD CONSTRAINT qty_pos CHECK (qty > 0);', 'ALTER TABLE orders ADD CONSTRAINT qty_pos CHECK (qty > 0) NOT VALID;', 'ALTER DOMAIN email ADD CONSTRAINT c CHECK (VALUE LIKE \'%@%\');'], not: ['ALTER TABLE orders VALIDATE CONSTRAINT qty_pos;'] },
  { rule: 'RW203', verdict: 'review', triggers: ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);', 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;'], not: ['ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);'] },
  { rule: 'RW204', verdict: 'review', triggers: ['ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', 'ALTER TABLE users ADD PRIMARY KEY (id);', 'ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx;', 'ALTER TABLE users ADD COLUMN note text, ADD CONSTRAINT u2 UNIQUE (email);'], not: ['CREATE INDEX users_email_idx ON users (email);'] },
  { rule: 'RW205', verdict: 'review', triggers: ['CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u ON users (email);'], not: ['CREATE INDEX CONCURRENTLY i ON users (email);'] },
  { rule: 'RW206', verdict: 'review', triggers: ['ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;', 'ALTER TABLE orders ALTER COLUMN id DROP IDENTITY;'], not: ["ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';"] },
  { rule: 'RW207', verdict: 'review', triggers: ['CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;'], not: ['CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;'] },
  { rule: 'RW208', verdict: 'review', triggers: ['CREATE OR REPLACE VIEW v AS SELECT 2;'], not: ['CREATE VIEW w AS SELECT 2;'] },
  { rule: 'RW209', verdict: 'review', triggers: ['CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();', 'DROP TRIGGER t ON orders;', 'ALTER TABLE orders DISABLE TRIGGER t;', 'ALTER TABLE orders ENABLE TRIGGER ALL;', 'ALTER TABLE orders ENABLE ALWAYS TRIGGER t;', 'ALTER TABLE orders ENABLE REPLICA TRIGGER t;', 'ALTER TABLE orders DISABLE TRIGGER USER;'], not: ['COMMENT ON TRIGGER t ON orders IS \'x\';'] },
  { rule: 'RW210', verdict: 'review', triggers: ["DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'x'); END $$;", "DO LANGUAGE plperl $$ print 1 $$;"], not: ["DO $$ BEGIN EXECUTE 'CREATE TABLE x (id int)'; END $$;"] },
  { rule: 'RW211', verdict: 'review', triggers: ['ALTER TABLE users DROP CONSTRAINT users_email_key;', 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;'], not: ['CREATE INDEX users_email_idx ON users (email);'] },
  { rule: 'RW212', verdict: 'review', triggers: ['REVOKE SELECT ON orders FROM app;', 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY;', 'CREATE POLICY p ON orders USING (tenant = current_user);', 'ALTER TABLE orders OWNER TO admin;', 'ALTER TABLE orders FORCE ROW LEVEL SECURITY;'], not: ['GRANT SELECT ON orders TO app;'] },
  { rule: 'RW213', verdict: 'review', triggers: ['ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_uniq;'], not: ['ALTER INDEX users_email_idx RENAME TO users_email_i;'] },
  { rule: 'RW214', verdict: 'review', triggers: ["INSERT INTO statuses (name) VALUES ('archived');"], not: ['SELECT 1;'] },
  { rule: 'RW215', verdict: 'review', triggers: ['SELECT backfill_orders();', 'CALL cleanup();'], not: ["SELECT set_config('lock_timeout', '1s', false);", "SELECT setval('s', 10);"] },
  { rule: 'RW216', verdict: 'review', triggers: ['ALTER TABLE orders ALTER COLUMN email DROP NOT NULL;', 'ALTER DOMAIN email DROP NOT NULL;'], not: ['ALTER TABLE orders ALTER COLUMN email SET DEFAULT 1;'] },
  { rule: 'RW299', verdict: 'review', triggers: ['CREATE ROLE app;', 'ALTER SYSTEM SET work_mem = 1;', 'DROP EXTENSION pgcrypto;'], not: ["SET lock_timeout = '1s';", 'BEGIN; COMMIT;'] },
];

const safe = [
  'CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL);',
  'ALTER TABLE orders ADD COLUMN note text;',
  "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
  'CREATE INDEX CONCURRENTLY i ON orders (note);',
  'CREATE VIEW v AS SELECT 1;',
  "COMMENT ON TABLE orders IS 'x';",
  'GRANT SELECT ON orders TO reporting;',
  "ALTER TYPE mood ADD VALUE 'meh';",
  'CREATE SEQUENCE s;',
  'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
  'ALTER TABLE orders ALTER COLUMN status SET DEFAULT 1;',
  'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;',
  'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (qty * price) STORED;',
  "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN CREATE TYPE mood AS ENUM ('a'); END IF; END $$;",
  '',
  '-- just a comment\n/* and another */',
  "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE TABLE x (id int);\nCOMMIT;",
];

async function rulesOf(sql: string): Promise<{ verdict: string; rules: Map<string, string> }> {
  const r = await analyzeWindow([{ kind: 'text', path: 'm.sql', content: sql }]);
  const f = r.files[0];
  assert.ok(f);
  return { verdict: f.verdict, rules: new Map(f.findings.map((x) => [x.rule, x.verdict])) };
}

for (const c of cases) {
  test(`${c.rule} triggers (${c.verdict}) on its SQL and not on the near misses`, async () => {
    for (const sql of c.triggers) {
      const { rules } = await rulesOf(sql);
      assert.equal(rules.get(c.rule), c.verdict, `${c.rule} should fire on: ${sql} (got ${JSON.stringify([...rules])})`);
    }
    for (const sql of c.not) {
      const { rules } = await rulesOf(sql);
      assert.equal(rules.has(c.rule), false, `${c.rule} must not fire on: ${sql}`);
    }
  });
}

test('additive changes, empty and comment-only files are safe', async () => {
  for (const sql of safe) {
    const { verdict, rules } = await rulesOf(sql);
    assert.equal(verdict, 'safe', `${sql} -> ${JSON.stringify([...rules])}`);
  }
});

test('judging a statement only against the rules for its type (ruleStatementTypes) and, on an ALTER TABLE, its sub-commands (ruleAlterSubtypes) misses no rule’s hit', async () => {
  const { loadParser, parseSql } = await import('../pg-parser.ts');
  const { judgeStatement } = await import('../judge-statement.ts');
  const { statementRules } = await import('./index.ts');
  await loadParser();
  const sqls = [...cases.flatMap((c) => [...c.triggers, ...c.not]), ...safe].filter((s) => s.trim() && !s.startsWith('--'));
  let compared = 0;
  for (const sql of sqls) {
    const parsed = parseSql(sql);
    assert.equal(parsed.kind, 'ok', sql);
    for (const s of parsed.kind === 'ok' ? parsed.statements : []) {
      const every = statementRules.flatMap((r) => r.check(s.node).map((h) => `${r.id} ${h.message}`));
      const filtered = judgeStatement(s.node).filter((h) => h.meta.id !== 'RW299').map((h) => `${h.meta.id} ${h.message}`);
      assert.deepEqual(filtered, every, sql);
      compared++;
    }
  }
  assert.ok(compared > 90, `compared ${compared} statements`);
});
