import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createMigrationChecker } from './migration-checker.ts';

const dir = mkdtempSync(join(tmpdir(), 'rewind-checker-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { encoding: 'utf8' }).trim();
git('init', '-q', '-b', 'main');
const commit = (files: Record<string, string>, remove: string[] = []): string => {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  for (const p of remove) git('rm', '-q', p);
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'c');
  return git('rev-parse', 'HEAD');
};
const m = 'apps/catalog/migrations';
const base = commit({ [`${m}/0001_items.sql`]: 'CREATE TABLE items (id bigserial PRIMARY KEY, sku text);\n', 'apps/catalog/us-east/kustomization.yaml': 'resources: []\n' });
const config = commit({ 'apps/catalog/us-east/kustomization.yaml': 'resources: []\nnamespace: x\n' });
const drop = commit({
  [`${m}/0042_drop_sku.up.sql`]: 'ALTER TABLE items DROP COLUMN sku;\n',
  [`${m}/0042_drop_sku.down.sql`]: 'ALTER TABLE items ADD COLUMN sku text;\n',
  'apps/orders/migrations/0009_drop.sql': 'DROP TABLE orders;\n',
});
const additive = commit({ [`${m}/0043_note.up.sql`]: 'ALTER TABLE items ADD COLUMN note text;\n' });
const deleted = commit({}, [`${m}/0043_note.up.sql`]);
const checker = createMigrationChecker({ repo: dir, glob: `${m}/*.sql` });

test('no migration in the window is none', async () => {
  assert.deepEqual(await checker.migrations(base, config), { verdict: 'none', files: [] });
});

test("the app's dropped column is unsafe with the rule's reason; another app's migration is not its business; downs are not ups", async () => {
  const w = await checker.migrations(config, drop);
  assert.equal(w.verdict, 'unsafe');
  assert.deepEqual(w.files.map((f) => f.path), [`${m}/0042_drop_sku.up.sql`]);
  assert.match(w.files[0]?.reasons.join('\n') ?? '', /drop-column \(RW101\) at line 1/);
});

test('an additive migration is safe, and says what it adds', async () => {
  const w = await checker.migrations(drop, additive);
  assert.equal(w.verdict, 'safe');
  assert.match(w.files[0]?.reasons.join('\n') ?? '', /note/);
});

test('a migration deleted in the window needs review, never none', async () => {
  const w = await checker.migrations(additive, deleted);
  assert.equal(w.verdict, 'review');
  assert.match(w.files[0]?.reasons[0] ?? '', /deleted/);
});

test('without a glob, any migrations/ folder counts', async () => {
  const w = await createMigrationChecker({ repo: dir }).migrations(config, drop);
  assert.deepEqual(w.files.map((f) => f.path).sort(), ['apps/catalog/migrations/0042_drop_sku.up.sql', 'apps/orders/migrations/0009_drop.sql']);
});

test("through a config repo's name-status (a plan's): the same windows; the repo asked for full object names only", async () => {
  // A rename inside the folder, an edit of an applied migration and a type change (a file become a symlink).
  const renamed = commit({ [`${m}/0044_rename.sql`]: 'ALTER TABLE items RENAME COLUMN note TO notes;\n' });
  git('mv', `${m}/0044_rename.sql`, `${m}/0045_renamed.sql`);
  writeFileSync(join(dir, `${m}/0001_items.sql`), 'CREATE TABLE items (id bigserial PRIMARY KEY, sku text, x int);\n');
  rmSync(join(dir, `${m}/0042_drop_sku.down.sql`));
  execFileSync('ln', ['-s', '0042_drop_sku.up.sql', join(dir, `${m}/0042_drop_sku.down.sql`)]);
  const moved = commit({});
  // As a config repo parses it (adapters/git parseNameStatus: a type change reads as modified).
  const asked: string[][] = [];
  const shared = createMigrationChecker({
    repo: dir,
    glob: `${m}/*.sql`,
    nameStatus: (from, to, pathspec) => {
      asked.push([from, to, pathspec]);
      const fields = git('diff', '--name-status', '--no-renames', '-z', from, to, '--', pathspec).split('\0').filter(Boolean);
      const files: { status: string; path: string }[] = [];
      for (let i = 0; i + 1 < fields.length; i += 2) files.push({ status: fields[i] === 'A' ? 'added' : fields[i] === 'D' ? 'deleted' : 'modified', path: fields[i + 1]! });
      return Promise.resolve(files);
    },
  });
  for (const [from, to] of [[base, config], [config, drop], [drop, additive], [additive, deleted], [deleted, renamed], [renamed, moved], [base, moved]] as const) {
    assert.deepEqual(await shared.migrations(from, to), await checker.migrations(from, to), `${from.slice(0, 7)}..${to.slice(0, 7)}`);
  }
  assert.equal(asked.length, 7);
  assert.deepEqual(asked[0], [base, config, `:(glob)${m}/*.sql`]);
  assert.deepEqual(await shared.migrations(base.slice(0, 9), moved.slice(0, 9)), await checker.migrations(base, moved));
  assert.equal(asked.length, 7, 'short names are resolved first and diffed by the checker itself');
});
