import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewind } from './cli-harness.ts';
import { tempDirSync } from '../../src/testing/temp-dirs.ts';

const fx = 'test/fixtures/migrations';

test('lint: exit 0 when every file is safe, 1 on review/unsafe, 2 on error (2 wins)', async () => {
  assert.equal((await rewind(['migrations', 'lint', `${fx}/golang/0001_create_users.up.sql`])).code, 0);
  assert.equal((await rewind(['migrations', 'lint', `${fx}/flyway`])).code, 1);
  assert.equal((await rewind(['migrations', 'lint', `${fx}/golang`])).code, 1);
  assert.equal((await rewind(['migrations', 'lint', `${fx}/golang`, `${fx}/bad/syntax.sql`])).code, 2);
});

test('lint --format json has the documented shape', async () => {
  const r = await rewind(['migrations', 'lint', `${fx}/golang/0003_drop_email.up.sql`, '--format', 'json']);
  const doc = JSON.parse(r.stdout) as { verdict: string; files: { path: string; verdict: string; findings: Record<string, unknown>[] }[] };
  assert.equal(doc.verdict, 'unsafe');
  const f = doc.files[0]?.findings[0];
  assert.deepEqual(Object.keys(f ?? {}).sort(), ['column', 'hint', 'line', 'message', 'name', 'rule', 'statement', 'verdict']);
  assert.equal(f?.['rule'], 'RW101');
});

test('--output is a synonym of --format, and sarif is accepted', async () => {
  const r = await rewind(['migrations', 'lint', `${fx}/flyway`, '--output', 'sarif']);
  assert.equal((JSON.parse(r.stdout) as { version: string }).version, '2.1.0');
  const bad = await rewind(['migrations', 'lint', `${fx}/flyway`, '--format', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be/);
});

test('bad input: binary, invalid UTF-8, missing, dangling symlink and over --max-bytes are errors; other files still judged', async () => {
  const dir = tempDirSync('rewind-bad-');
  writeFileSync(join(dir, 'big.sql'), `-- ${'x'.repeat(2000)}\nSELECT 1;\n`);
  symlinkSync(join(dir, 'nowhere.sql'), join(dir, 'dangling.sql'));
  const r = await rewind(['migrations', 'lint', `${fx}/bad`, join(dir, 'big.sql'), join(dir, 'dangling.sql'), 'missing.sql', `${fx}/golang/0003_drop_email.up.sql`, '--max-bytes', '1k', '-o', 'json']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { files: { path: string; verdict: string; findings: { rule: string; message: string }[] }[] };
  const by = (p: string) => doc.files.find((f) => f.path.endsWith(p));
  assert.match(by('binary.sql')?.findings[0]?.message ?? '', /binary file/);
  assert.match(by('latin1.sql')?.findings[0]?.message ?? '', /invalid UTF-8 at byte 6/);
  assert.match(by('big.sql')?.findings[0]?.message ?? '', /over the --max-bytes cap of 1024/);
  assert.match(by('dangling.sql')?.findings[0]?.message ?? '', /no such file/);
  assert.match(by('missing.sql')?.findings[0]?.message ?? '', /no such file/);
  assert.equal(by('syntax.sql')?.findings[0]?.rule, 'RW001');
  assert.equal(by('empty.sql')?.verdict, 'safe');
  assert.equal(by('comments-only.sql')?.verdict, 'safe');
  assert.equal(by('0003_drop_email.up.sql')?.verdict, 'unsafe');
});

test('lint without paths is a usage error (exit 2)', async () => {
  const r = await rewind(['migrations', 'lint']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /at least one file/);
});

test('note prints the Milestone 5 header; --require-notes accepts it', async () => {
  const r = await rewind(['migrations', 'note', `${fx}/golang/0003_drop_email.up.sql`]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^-- Migration: 0003_drop_email\n-- Forward: drop column users\.email\n-- Rollback-safe: no - drops column users\.email/);
  assert.match(r.stdout, /No down migration \(golang-migrate\)/);
  const withNote = await rewind(['migrations', 'lint', '--require-notes', `${fx}/golang/0002_add_kyc_status.up.sql`]);
  assert.equal(withNote.code, 0, withNote.stdout);
});
