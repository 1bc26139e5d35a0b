import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDirSync } from '../../src/testing/temp-dirs.ts';

export interface FixtureRepo {
  readonly dir: string;
  readonly good: string;
  readonly bad: string;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();

/** A config repo like the seed's: good revision with the base schema, bad revision shipping migrations. */
export function makeRepo(commits: readonly Record<string, string>[]): { dir: string; revs: string[] } {
  const dir = tempDirSync('rewind-mig-');
  git(dir, 'init', '-q', '-b', 'main');
  const revs: string[] = [];
  for (const files of commits) {
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), content);
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', `commit ${revs.length}`);
    revs.push(git(dir, 'rev-parse', 'HEAD'));
  }
  return { dir, revs };
}

const m = 'examples/bookstore-platform/app/catalog/migrations';

/** The bookstore catalog: a good history, then a bad release that drops and renames. */
export function bookstoreRepo(): FixtureRepo {
  const { dir, revs } = makeRepo([
    {
      [`${m}/0001_books.sql`]: 'CREATE TABLE books (id bigserial PRIMARY KEY, title text NOT NULL, sku text, qty int NOT NULL DEFAULT 0);\n',
      [`${m}/0002_authors.sql`]: 'CREATE TABLE authors (id bigserial PRIMARY KEY, name text NOT NULL);\nALTER TABLE books ADD COLUMN author_id bigint REFERENCES authors(id);\n',
      'README.md': 'config repo\n',
    },
    {
      [`${m}/0003_add_isbn.sql`]: 'ALTER TABLE books ADD COLUMN isbn text;\nCREATE INDEX books_isbn ON books (isbn);\n',
      [`${m}/0004_drop_sku.sql`]: 'BEGIN;\nALTER TABLE books DROP COLUMN sku;\nCOMMIT;\n',
      [`${m}/0005_staging.sql`]: 'CREATE TABLE import_staging (id int, payload jsonb);\nALTER TABLE import_staging ALTER COLUMN payload SET NOT NULL;\nDROP TABLE import_staging;\n',
      'values.yaml': 'image: catalog@sha256:bad\n',
    },
  ]);
  return { dir, good: revs[0] ?? '', bad: revs[1] ?? '' };
}
