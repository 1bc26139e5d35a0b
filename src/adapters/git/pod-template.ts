/**
 * `TemplateSource` from the config repo: the workload's Pod template (every container and init
 * container) as the app's Kustomize folder renders it at a revision, read with the real `git`.
 * Follows what kustomize's build does to images (sigs.k8s.io/kustomize `api/filters/imagetag`):
 * resources are read depth first, then each kustomization's `images:` overrides the containers
 * whose image name matches, the innermost first; strategic-merge patches that set a container's
 * `image` by name are applied too. Enough for image references; the full build (generators,
 * replacements, Helm) is not re-implemented, and a folder that uses them for images is not
 * guessed at: `podTemplate` fails with NotFoundError instead.
 *
 * ### Examples
 * ```ts
 * const t = createGitPodTemplateSource({ path: 'config-repo.git', appPath: 'apps/orders/eu-west', workload: { kind: 'Deployment', name: 'orders' } });
 * (await t.podTemplate('a1b2c3d')).containers;
 * // [{ name: 'orders', image: 'ghcr.io/acme/orders:2.8.0', init: false }, { name: 'log-shipper', … }, { name: 'wait-for-db', …, init: true }]
 * ```
 */
import { parseAllDocuments } from 'yaml';
import { NotFoundError } from '../../core/errors.ts';
import type { TemplateSource } from '../../core/ports.ts';
import { createGitConfigRepo } from './git-config-repo.ts';
import type { GitRunner } from './git-runner.ts';
import { imagesOf, KUSTOMIZATION_FILES, parseKustomization, type KustomizeImage } from './kustomization.ts';

export interface GitPodTemplateOptions {
  readonly path: string;
  /** The app's folder (`repoPath` in rewind.yaml). */
  readonly appPath: string;
  readonly workload: { readonly kind: string; readonly name: string };
  readonly run?: GitRunner;
}

type Json = Record<string, unknown>;
interface Container {
  name: string;
  image: string;
  init: boolean;
}

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

export function createGitPodTemplateSource(o: GitPodTemplateOptions): TemplateSource {
  // The config repo's object cache: the plan's change diagnoser has read most of these files already.
  const repo = createGitConfigRepo({ path: o.path, ...(o.run ? { run: o.run } : {}) });
  const show = (rev: string, file: string): Promise<string | undefined> => repo.show(rev, file);

  const join = (dir: string, rel: string): string => {
    const parts = dir ? dir.split('/') : [];
    for (const p of rel.split('/')) {
      if (p === '..') parts.pop();
      else if (p !== '.' && p !== '') parts.push(p);
    }
    return parts.join('/');
  };

  /** The workload's containers under `dir`, images as the folder's build leaves them. */
  async function build(rev: string, dir: string, depth: number): Promise<Container[] | undefined> {
    if (depth > 10) return undefined;
    // One name at a time: nearly every folder has kustomization.yaml, so the others are rarely read.
    let k: Json | undefined;
    for (const name of KUSTOMIZATION_FILES) {
      k = parseKustomization(await show(rev, join(dir, name)));
      if (k) break;
    }
    if (!k) return undefined;
    const unread = unreadFeatures(k);
    if (unread.length > 0) {
      throw new NotFoundError(`${join(dir, 'kustomization.yaml')} at ${rev.slice(0, 7)} uses ${unread.join(', ')}, which rewind's renderer does not read: the Pod template is not guessed`, {
        hint: 'verification needs the target revision\'s images: pin them with `images:` or strategic-merge patch files',
      });
    }
    // The patches are read beside the resources' build, not after it: one read fewer in a row.
    const patchFiles = [...arr(k['patchesStrategicMerge']), ...arr(k['patches']).map((p) => obj(p)['path'])].filter((p): p is string => typeof p === 'string');
    const patches = patchFiles.map((p) => show(rev, join(dir, p)));
    for (const p of patches) p.catch(() => undefined);
    let found: Container[] | undefined;
    for (const r of [...arr(k['resources']), ...arr(k['bases'])]) {
      if (typeof r !== 'string' || /^[a-z]+:\/\/|^github\.com\/|^git@/.test(r)) continue;
      const path = join(dir, r);
      // A manifest file cannot hold a kustomization: no folder lookups for it (as the change diagnoser).
      if (found) continue;
      found = (/\.ya?ml$|\.json$/.test(path) ? undefined : await build(rev, path, depth + 1)) ?? fromManifest(await show(rev, path));
    }
    if (!found) return undefined;
    for (const p of patches) applyPatch(found, await p);
    for (const i of imagesOf(k)) for (const c of found) c.image = override(c.image, i);
    return found;
  }

  /** What kustomize can do to a Pod template that this renderer does not follow. */
  function unreadFeatures(k: Json): string[] {
    const out = ['patchesJson6902', 'replacements', 'components', 'helmCharts'].filter((f) => arr(k[f]).length > 0);
    if (arr(k['patches']).some((p) => obj(p)['patch'] !== undefined)) out.push('inline patches');
    return out;
  }

  function workloadOf(doc: Json): boolean {
    return doc['kind'] === o.workload.kind && obj(doc['metadata'])['name'] === o.workload.name;
  }

  function fromManifest(text: string | undefined): Container[] | undefined {
    if (text === undefined) return undefined;
    for (const d of parseAllDocuments(text)) {
      const doc = obj(d.toJS());
      if (!workloadOf(doc)) continue;
      const spec = obj(obj(obj(doc['spec'])['template'])['spec']);
      const list = (v: unknown, init: boolean) =>
        arr(v).map((c) => ({ name: asString(obj(c)['name']), image: asString(obj(c)['image']), init }));
      return [...list(spec['containers'], false), ...list(spec['initContainers'], true)];
    }
    return undefined;
  }

  function applyPatch(containers: Container[], text: string | undefined): void {
    if (text === undefined) return;
    for (const d of parseAllDocuments(text)) {
      const doc = obj(d.toJS());
      if (!workloadOf(doc)) continue;
      const spec = obj(obj(obj(doc['spec'])['template'])['spec']);
      for (const [key, init] of [['containers', false], ['initContainers', true]] as const) {
        for (const c of arr(spec[key]).map(obj)) {
          const target = containers.find((x) => x.name === c['name'] && x.init === init);
          if (target && typeof c['image'] === 'string') target.image = c['image'];
        }
      }
    }
  }

  return {
    async podTemplate(revision) {
      const source = `git show ${revision.slice(0, 7)}:${o.appPath} (kustomize images)`;
      const containers = await build(revision, o.appPath, 0);
      if (!containers || containers.length === 0) {
        throw new NotFoundError(`${o.workload.kind} ${o.workload.name} is not rendered by ${o.appPath} at ${revision.slice(0, 7)}`, {
          hint: 'rewind reads Kustomize folders (resources, patches, images:); check repoPath and workload in rewind.yaml',
        });
      }
      return { containers: containers.map((c) => Object.freeze({ ...c })), source };
    },
  };
}

/** kustomize's image override: the name matches the image without tag or digest. */
export function override(image: string, i: KustomizeImage): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > noDigest.lastIndexOf('/');
  const name = hasTag ? noDigest.slice(0, colon) : noDigest;
  if (name !== i.name) return image;
  const tag = hasTag ? noDigest.slice(colon + 1) : undefined;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const newName = i.newName ?? name;
  if (i.digest) return `${newName}@${i.digest}`;
  if (i.newTag) return `${newName}:${i.newTag}`;
  return `${newName}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}
