/**
 * A throwaway git repository for the git adapter's tests, made with the real `git`.
 * Test support only (imported by *.test.ts beside it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestRepo {
  readonly dir: string;
  git(...args: string[]): string;
  /** Writes (or, with null, deletes) files and commits them; returns the full hash. */
  commit(message: string, files: Readonly<Record<string, string | null>>): string;
  remove(): void;
}

let clock = Date.parse('2026-05-18T13:12:01Z') / 1000;

export function createTestRepo(): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-git-'));
  const git = (...args: string[]) => {
    clock += 3600;
    const date = `${clock} +0000`;
    return execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Ada',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    }).trim();
  };
  git('init', '--quiet', '--initial-branch=main');
  return {
    dir,
    git,
    commit(message, files) {
      for (const [path, content] of Object.entries(files)) {
        const abs = join(dir, path);
        if (content === null) unlinkSync(abs);
        else {
          mkdirSync(dirname(abs), { recursive: true });
          writeFileSync(abs, content);
        }
      }
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
