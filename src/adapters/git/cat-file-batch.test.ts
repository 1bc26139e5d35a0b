import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchUnavailable, openCatFileBatch } from './cat-file-batch.ts';
import { createTestRepo } from './git-test-repo.ts';

const r = createTestRepo();
const first = r.commit('one', { 'a.txt': 'line 1\nline 2\n', 'dir/b.bin': 'x\n\ny' });
after(() => r.remove());

test('answers commits, blobs, folders and missing objects, in the order asked', async () => {
  const batch = openCatFileBatch({ git: 'git', path: r.dir, env: process.env });
  const [commit, a, b, folder, missing, noCommit] = await Promise.all([
    batch.read(`${first}^{commit}`),
    batch.read(`${first}:a.txt`),
    batch.read(`${first}:dir/b.bin`),
    batch.read(`${first}:dir`),
    batch.read(`${first}:nope.txt`),
    batch.read('0123456789abcdef0123456789abcdef01234567^{commit}'),
  ]);
  assert.deepEqual([commit?.oid, commit?.type], [first, 'commit']);
  assert.equal(a?.content.toString('utf8'), 'line 1\nline 2\n');
  assert.equal(b?.content.toString('utf8'), 'x\n\ny');
  assert.equal(folder?.type, 'tree');
  assert.equal(missing, undefined);
  assert.equal(noCommit, undefined);
});

test('sees a commit made after it started (git looks through its packs again on a miss)', async () => {
  const batch = openCatFileBatch({ git: 'git', path: r.dir, env: process.env });
  assert.equal((await batch.read(`${first}:a.txt`))?.type, 'blob');
  const next = r.commit('two', { 'a.txt': 'changed\n' });
  r.git('gc', '--quiet');
  assert.equal((await batch.read(`${next}:a.txt`))?.content.toString('utf8'), 'changed\n');
});

test('a batch that cannot run says so, for the caller to fall back', async () => {
  const batch = openCatFileBatch({ git: '/nonexistent/git', path: r.dir, env: process.env });
  await assert.rejects(batch.read(`${first}:a.txt`), BatchUnavailable);
  await assert.rejects(batch.read(`${first}:a.txt`), BatchUnavailable);
  const ok = openCatFileBatch({ git: 'git', path: r.dir, env: process.env });
  await assert.rejects(ok.read('a\nb'), BatchUnavailable);
});

test('an idle batch does not keep the process alive, warmed or after a read', () => {
  // A process that reads one object (or only warms the batch) and has nothing else to do must exit by itself.
  const module = fileURLToPath(new URL('./cat-file-batch.ts', import.meta.url));
  const script = (read: boolean) => `import { openCatFileBatch } from ${JSON.stringify(module)};
const b = openCatFileBatch({ git: 'git', path: ${JSON.stringify(r.dir)}, env: process.env });
b.warm();
b.warm();
${read ? `const o = await b.read(${JSON.stringify(`${first}:a.txt`)});\nprocess.stdout.write(o.content.toString('utf8'));` : "process.stdout.write('warmed');"}`;
  const run = (read: boolean) => execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(read)], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run(true), 'line 1\nline 2\n');
  assert.equal(run(false), 'warmed');
});

test('a warmed batch answers, and a warm of one that cannot run is silent until a read', async () => {
  const batch = openCatFileBatch({ git: 'git', path: r.dir, env: process.env });
  batch.warm();
  assert.equal((await batch.read(`${first}:a.txt`))?.content.toString('utf8'), 'line 1\nline 2\n');
  const broken = openCatFileBatch({ git: '/nonexistent/git', path: r.dir, env: process.env });
  broken.warm();
  await assert.rejects(broken.read(`${first}:a.txt`), BatchUnavailable);
});
