import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConfigRepo } from './config-repo.ts';

const run = promisify(execFile);
const author = { name: 'Dev', email: 'dev@acme-books.example' };
const commit = (n: number) => ({ date: new Date(Date.UTC(2026, 4, 20, 14, n)), author, message: `change ${n}`, files: { 'a.txt': `${n}\n` } });

test('resolve answers as git rev-parse does: the loose branch, a tag of the same name first, a branch only in packed-refs, a push seen at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rewind-config-repo-'));
  const repo = await createConfigRepo({ dir, history: [commit(1), commit(2)] });
  const revParse = async (rev: string): Promise<string> => (await run('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: repo.bareDir })).stdout.trim();
  try {
    const [first, second] = repo.seeded;
    assert.equal(await repo.resolve('main'), second);

    await run('git', ['tag', 'main', first!], { cwd: repo.bareDir });
    assert.equal(await revParse('main'), first, "git's own rule: refs/tags/<name> before refs/heads/<name>");
    assert.equal(await repo.resolve('main'), first);
    await run('git', ['tag', '-d', 'main'], { cwd: repo.bareDir });

    await run('git', ['pack-refs', '--all'], { cwd: repo.bareDir });
    assert.equal(await repo.resolve('main'), second, 'packed only');

    const third = await repo.commit({ files: { 'a.txt': '3\n' }, message: 'change 3', date: new Date(Date.UTC(2026, 4, 20, 15)), author });
    assert.equal(await repo.resolve('main'), third);
    assert.equal(await repo.resolve('main'), await revParse('main'));
  } finally {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  }
});
