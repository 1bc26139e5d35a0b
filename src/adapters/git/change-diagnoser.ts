/**
 * `ChangeDiagnoser` over the config repo: Step 2, what the window changed. (Step 0, the
 * migrations it shipped, is `migrations-source`'s checker, the same code `migrations check` runs.)
 *
 * Only the app's own changes count: files under its Argo CD path, under every local folder its
 * kustomization builds from (followed at both revisions), and its migrations. In a repo shared
 * by many apps, a neighbour's bump in the same window is not this app's diagnosis.
 *
 * ### Examples
 * ```ts
 * const diagnoser = createGitChangeDiagnoser({ path: 'config-repo.git', appPath: 'apps/catalog/us-east',
 *   migrationsGlob: 'apps/catalog/migrations/*.sql' });
 * await diagnoser.diagnose('a1b2c3d', 'd8f3c2a');
 * // { kinds: ['image-digest'], files: ['apps/catalog/us-east/kustomization.yaml'],
 * //   images: [{ name: 'ghcr.io/acme/catalog', from: '…@sha256:aa…', to: '…@sha256:bb…' }], commits: [...] }
 * ```
 */
import { posix } from 'node:path';
import type { ChangeDiagnosis, ChangeKind, ImageChange } from '../../core/domain.ts';
import type { ChangeDiagnoser, ChangedFile, ConfigRepo } from '../../core/ports.ts';
import { classifyFile } from './change-classifier.ts';
import { createGitConfigRepo } from './git-config-repo.ts';
import { KUSTOMIZATION_FILES, localRefs, parseKustomization } from './kustomization.ts';

export interface GitChangeDiagnoserOptions {
  /** The config repo on disk; ignored when `repo` is given. */
  readonly path?: string;
  readonly repo?: ConfigRepo;
  /** The app's folder in the repo (Argo CD's `spec.source.path`); the whole repo when absent. */
  readonly appPath?: string;
  /** The app's migration files (classified as `migration`); `**\/migrations/**\/*.sql` when absent. */
  readonly migrationsGlob?: string;
}

/** rewind's default when an app names no glob: any `.sql` under a `migrations/` folder. */
const DEFAULT_MIGRATIONS_GLOB = '**/migrations/**/*.sql';

const KIND_ORDER: readonly ChangeKind[] = ['image-digest', 'image-tag', 'helm-values', 'kustomize-patch', 'config-only', 'migration', 'crd', 'other'];

export function createGitChangeDiagnoser(options: GitChangeDiagnoserOptions): ChangeDiagnoser {
  const repo = options.repo ?? createGitConfigRepo({ path: options.path ?? '.' });
  // NOTE: git matches the glob (`:(glob)` pathspec magic), exactly as the migration checker's
  // Step 0 does, so both steps agree on which files are migrations.
  const migrationsSpec = `:(glob)${options.migrationsGlob ?? DEFAULT_MIGRATIONS_GLOB}`;
  const appPath = options.appPath?.replace(/^\.?\/+|\/+$/g, '');

  /** Folders and files the app's build reads at a revision, by following kustomizations. */
  async function appScope(rev: string): Promise<Set<string>> {
    const scope = new Set<string>();
    if (!appPath) return scope;
    const queue = [appPath];
    while (queue.length > 0 && scope.size < 200) {
      const dir = queue.shift() ?? '';
      if (scope.has(dir)) continue;
      scope.add(dir);
      const k = await readKustomization(rev, dir);
      // Only folders can hold a kustomization; a patch or manifest file is in scope as itself.
      for (const ref of k ? localRefs(k) : []) {
        const p = posix.normalize(posix.join(dir, ref));
        if (/\.ya?ml$|\.json$/.test(p)) scope.add(p);
        else queue.push(p);
      }
    }
    return scope;
  }

  async function readKustomization(rev: string, dir: string) {
    for (const name of KUSTOMIZATION_FILES) {
      const text = await repo.show(rev, `${dir}/${name}`);
      if (text !== undefined) return parseKustomization(text);
    }
    return undefined;
  }

  async function relevant(from: string, to: string): Promise<{ files: readonly ChangedFile[]; isMigration: (path: string) => boolean }> {
    const [changed, migrations, before, after] = await Promise.all([
      repo.changedFiles(from, to),
      // NOTE: without rename detection, the very diff Step 0's checker asks (app-context gives it
      // this repo's): one git process for both. A rename within the glob lists its old path too,
      // which no entry of the whole diff (-M: a rename is its new path) ever asks about.
      repo.changedFiles(from, to, [migrationsSpec], { renames: false }),
      appScope(from),
      appScope(to),
    ]);
    const migrationPaths = new Set(migrations.map((f) => f.path).filter((p) => p.toLowerCase().endsWith('.sql')));
    const isMigration = (p: string) => migrationPaths.has(p);
    if (!appPath) return { files: changed, isMigration };
    const scope = [...before, ...after];
    return { files: changed.filter((f) => isMigration(f.path) || scope.some((s) => f.path === s || f.path.startsWith(`${s}/`))), isMigration };
  }

  return {
    async diagnose(from, to): Promise<ChangeDiagnosis> {
      const [{ files, isMigration }, commits] = await Promise.all([relevant(from, to), repo.log(from, to)]);
      const kinds = new Set<ChangeKind>();
      const images: ImageChange[] = [];
      // Every file's two sides read at once; classified in the diff's order, as before.
      const contents = await Promise.all(
        files.map((f) => Promise.all([f.status === 'added' ? undefined : repo.show(from, f.path), f.status === 'deleted' ? undefined : repo.show(to, f.path)])),
      );
      for (const [i, f] of files.entries()) {
        const [before, after] = contents[i]!;
        const c = classifyFile({ path: f.path, before, after }, { isMigration });
        c.kinds.forEach((k) => kinds.add(k));
        images.push(...c.images.map((i) => Object.freeze({ name: i.name, from: i.from, to: i.to })));
      }
      return Object.freeze({
        kinds: Object.freeze(KIND_ORDER.filter((k) => kinds.has(k))),
        files: Object.freeze(files.map((f) => f.path)),
        images: Object.freeze(images),
        commits: Object.freeze(commits.map((c) => Object.freeze({ revision: c.revision, subject: c.subject, author: c.author }))),
      });
    },
  };
}

