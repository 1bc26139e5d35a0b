import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeclaredFlag } from '../../core/flags/types.ts';
import { tempDirSync } from '../../testing/temp-dirs.ts';
import { createGitFlagEvidenceReader } from './flag-evidence.ts';

const APP = 'apps/shop/us-east';
const FLAGS = `${APP}/flags.json`;
const flagFile = (on: string) => `{\n  "flags": {\n    "shop.search": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "${on}" }\n  }\n}\n`;

/** A config repo with one window that edits, adds, deletes and renames in the app's folder, and edits a base outside it. */
function repo(): { path: string; from: string; to: string } {
  const path = tempDirSync('rewind-flag-evidence-');
  const git = (...args: string[]) => execFileSync('git', ['-C', path, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(path, file)), { recursive: true });
    writeFileSync(join(path, file), text);
  };
  git('init', '-q', '-b', 'main');
  const lines = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `line ${i} ${i === 5 ? tag : ''}`).join('\n') + '\n';
  write(`${APP}/kustomization.yaml`, 'images:\n- name: shop\n  newTag: v1\n');
  write(FLAGS, flagFile('off'));
  write(`${APP}/old.yaml`, lines('old', 8));
  write(`${APP}/moved.yaml`, lines('moved', 12));
  write(`${APP}/other.yaml`, lines('a', 10));
  write('base/deploy.yaml', lines('a', 10));
  git('add', '-A');
  git('commit', '-q', '-m', 'good');
  const from = git('rev-parse', 'HEAD');
  write(`${APP}/kustomization.yaml`, 'images:\n- name: shop\n  newTag: v2\n');
  write(FLAGS, flagFile('on'));
  rmSync(join(path, APP, 'old.yaml'));
  write(`${APP}/new.yaml`, lines('new', 4));
  git('mv', `${APP}/moved.yaml`, `${APP}/renamed.yaml`);
  write(`${APP}/other.yaml`, lines('b', 10));
  write('base/deploy.yaml', lines('b', 10));
  git('add', '-A');
  git('commit', '-q', '-m', 'bad');
  return { path, from, to: git('rev-parse', 'HEAD') };
}

const flags: DeclaredFlag[] = [{ key: 'shop.search', provider: 'flagd', gates: [`${APP}/**`], flagd: { file: FLAGS, configMap: 'shop-flags' } }];

test("the app's folder diffed before the files are known gives the exact diff's evidence, whichever files the diagnosis keeps", async () => {
  const { path, from, to } = repo();
  const reader = createGitFlagEvidenceReader({ repoPath: path });
  const inFolder = [`${APP}/kustomization.yaml`, FLAGS, `${APP}/old.yaml`, `${APP}/new.yaml`, `${APP}/renamed.yaml`, `${APP}/moved.yaml`];
  const cases: readonly (readonly string[])[] = [inFolder, [`${APP}/kustomization.yaml`], [...inFolder, 'base/deploy.yaml'], ['base/deploy.yaml'], []];
  for (const files of cases) {
    const exact = await reader.evidence(from, to, files, flags);
    for (const within of [APP, `./${APP}/`]) {
      assert.deepEqual(await reader.evidence(from, to, Promise.resolve(files), flags, within), exact, `${files.join(', ')} within ${within}`);
    }
  }
  // Not vacuous: the folder's diff holds a file the diagnosis did not keep, and the kept ones have hunks.
  const kept = await reader.evidence(from, to, Promise.resolve(inFolder), flags, APP);
  assert.deepEqual([...new Set(kept.hunks.map((h) => h.path))], [FLAGS, `${APP}/kustomization.yaml`, `${APP}/moved.yaml`, `${APP}/new.yaml`, `${APP}/old.yaml`, `${APP}/renamed.yaml`]);
  assert.equal(kept.changes.length, 1, 'the flag file changed: its flag compared');
  assert.ok(!kept.hunks.some((h) => h.path.endsWith('other.yaml')));
});

test('a failed diff fails the evidence, with or without the early folder diff', async () => {
  const { path, from } = repo();
  const reader = createGitFlagEvidenceReader({ repoPath: path });
  const missing = '0'.repeat(40);
  await assert.rejects(reader.evidence(from, missing, [`${APP}/kustomization.yaml`], flags), /diff/);
  await assert.rejects(reader.evidence(from, missing, Promise.resolve([`${APP}/kustomization.yaml`]), flags, APP), /diff/);
});
