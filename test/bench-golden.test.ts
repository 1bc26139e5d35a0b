import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMigrationFolder, writeStatementCorpus, type Corpus } from '../bench/migrations-corpus.ts';

/**
 * Fast paths change no result: `rewind migrations lint` on the bench's generated corpora, as a
 * user runs it, must print exactly the committed golden output. `UPDATE_GOLDEN=1` rewrites the
 * golden files (then review the diff: every change in it is a change in what rewind tells users).
 */
const BIN = fileURLToPath(new URL('../bin/rewind.js', import.meta.url));
const golden = (name: string) => fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rewind-golden-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lint(c: Corpus, window: boolean): { status: number | null; json: string } {
  const r = spawnSync(process.execPath, [BIN, 'migrations', 'lint', c.dir, '-o', 'json', ...(window ? ['--window'] : [])], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.error, undefined);
  // The corpus lives in a fresh temporary folder: name it the same way every run.
  return { status: r.status, json: `${r.stdout.split(c.dir).join('<corpus>').trimEnd()}\n` };
}

/** The whole report, or (`digest`) its sha256 and verdict counts, for a report too large to commit. */
function compare(name: string, got: { status: number | null; json: string }, digest = false): void {
  const counts = (JSON.parse(got.json) as { files: { findings: { verdict: string }[] }[] }).files
    .flatMap((f) => f.findings.map((x) => x.verdict))
    .reduce<Record<string, number>>((n, v) => ({ ...n, [v]: (n[v] ?? 0) + 1 }), {});
  const body = digest ? `sha256 ${createHash('sha256').update(got.json).digest('hex')}\nfindings ${JSON.stringify(counts)}\n` : got.json;
  const text = `exit ${got.status}\n${body}`;
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden(name), text);
  assert.ok(existsSync(golden(name)), `${name} is missing: run UPDATE_GOLDEN=1 node scripts/run-tests.js bench-golden`);
  const want = readFileSync(golden(name), 'utf8');
  assert.ok(got.json.length > 1000, 'lint printed a report');
  assert.equal(text, want);
}

test('migrations lint --window on the bench\'s 320-file folder prints the golden report', () => {
  compare('lint-folder320.txt', lint(writeMigrationFolder(join(dir, 'folder'), 320), true));
});

test('migrations lint on the bench\'s 20,000-statement file prints the golden report', () => {
  compare('lint-statements20k.txt', lint(writeStatementCorpus(join(dir, 'statements'), 20_000), false), true);
});
