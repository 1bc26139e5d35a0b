/**
 * Step 2 for one changed file: what kind of change it is, from its content before and after.
 * Pure (the analyzer reads git).
 *
 * ### Examples
 * ```ts
 * classifyFile({ path: 'apps/catalog/us-east/kustomization.yaml',
 *   before: 'images: [{name: catalog, digest: "sha256:aa…"}]', after: 'images: [{name: catalog, digest: "sha256:bb…"}]' })
 * // { kinds: ['image-digest'], images: [{ name: 'catalog', from: 'catalog@sha256:aa…', to: 'catalog@sha256:bb…' }] }
 * ```
 */
import { parseAllDocuments } from 'yaml';
import type { ChangeKind, ImageChange } from '../../core/domain.ts';
import { GENERATOR_KEYS, imagesOf, isKustomizationPath, parseKustomization, renderImage, withoutImages } from './kustomization.ts';

export interface FileChange {
  readonly path: string;
  /** Content at the older revision; undefined when the file was added. */
  readonly before: string | undefined;
  /** Content at the newer revision; undefined when the file was deleted. */
  readonly after: string | undefined;
}

export interface FileClassification {
  readonly kinds: readonly ChangeKind[];
  readonly images: readonly ImageChange[];
}

export interface ClassifyOptions {
  /** Matches the app's migration files. */
  readonly isMigration: (path: string) => boolean;
}

type Json = Record<string, unknown>;

export function classifyFile(f: FileChange, opts: ClassifyOptions): FileClassification {
  if (opts.isMigration(f.path)) return { kinds: ['migration'], images: [] };
  if (/(^|\/)crds?\//.test(f.path) || [f.before, f.after].some((t) => t !== undefined && /^kind:\s*CustomResourceDefinition\s*$/m.test(t))) {
    return { kinds: ['crd'], images: [] };
  }
  if (isKustomizationPath(f.path)) return classifyKustomization(f);
  const base = f.path.slice(f.path.lastIndexOf('/') + 1);
  if (/^values.*\.ya?ml$/i.test(base)) {
    const images = helmImages(f);
    return { kinds: ['helm-values', ...imageKinds(images)], images };
  }
  if (/\.ya?ml$/i.test(base)) return { kinds: [classifyManifest(f)], images: [] };
  return { kinds: ['other'], images: [] };
}

function classifyKustomization(f: FileChange): FileClassification {
  const before = parseKustomization(f.before);
  const after = parseKustomization(f.after);
  const images = diffImages(
    new Map(imagesOf(before).map((i) => [i.name, { ref: renderImage(i), digest: i.digest, tag: i.newTag ?? i.newName }])),
    new Map(imagesOf(after).map((i) => [i.name, { ref: renderImage(i), digest: i.digest, tag: i.newTag ?? i.newName }])),
  );
  const kinds: ChangeKind[] = [...imageKinds(images)];
  const restBefore = withoutImages(before);
  const restAfter = withoutImages(after);
  if (!same(restBefore, restAfter)) {
    const strip = (k: Json) => Object.fromEntries(Object.entries(k).filter(([key]) => !(GENERATOR_KEYS as readonly string[]).includes(key)));
    kinds.push(same(strip(restBefore), strip(restAfter)) ? 'config-only' : 'kustomize-patch');
  }
  return { kinds: kinds.length > 0 ? kinds : ['kustomize-patch'], images };
}

interface ImageRef {
  readonly ref: string;
  readonly digest: string | undefined;
  readonly tag: string | undefined;
}

/** `kind` per image: a digest that moved is `image-digest`; otherwise a tag or name that moved is `image-tag`. */
function diffImages(before: Map<string, ImageRef>, after: Map<string, ImageRef>): (ImageChange & { kind: ChangeKind })[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const a = before.get(name);
    const b = after.get(name);
    if (a?.ref === b?.ref) return [];
    const kind: ChangeKind = a?.digest !== b?.digest ? 'image-digest' : 'image-tag';
    return [{ name, from: a?.ref, to: b?.ref, kind }];
  });
}

function imageKinds(images: readonly (ImageChange & { kind?: ChangeKind })[]): ChangeKind[] {
  return [...new Set(images.map((i) => i.kind ?? 'image-tag'))];
}

/** Helm values: every `image:` map (`repository`, `tag`, `digest`) or `image: "ref"` string, by its key path. */
function helmImages(f: FileChange): (ImageChange & { kind: ChangeKind })[] {
  const collect = (text: string | undefined) => {
    const found = new Map<string, ImageRef>();
    const walk = (v: unknown, at: string) => {
      if (typeof v !== 'object' || v === null) return;
      for (const [k, child] of Object.entries(v as Json)) {
        const key = at ? `${at}.${k}` : k;
        if (/^image$/i.test(k) && typeof child === 'string') found.set(key, { ref: child, digest: child.split('@')[1], tag: child.split('@')[0] });
        else if (/^image$/i.test(k) && typeof child === 'object' && child !== null) {
          const o = child as Record<string, string | number | boolean | null>; // image maps hold scalars
          const repo = String(o['repository'] ?? o['name'] ?? '');
          const tag = o['tag'] === undefined ? undefined : String(o['tag']);
          const digest = o['digest'] === undefined ? undefined : String(o['digest']);
          found.set(key, { ref: `${repo}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`, digest, tag });
        } else walk(child, key);
      }
    };
    for (const doc of docs(text)) walk(doc, '');
    return found;
  };
  return diffImages(collect(f.before), collect(f.after));
}

/**
 * A raw manifest or patch: ConfigMaps and Secrets only, or workloads whose only difference is
 * `env`/`envFrom`, is `config-only` (the feature-flag question of Step 2); anything else edits
 * what Kustomize renders.
 */
function classifyManifest(f: FileChange): ChangeKind {
  const before = docs(f.before);
  const after = docs(f.after);
  const all = [...before, ...after].filter((d): d is Json => typeof d === 'object' && d !== null);
  if (all.length > 0 && all.every((d) => d['kind'] === 'ConfigMap' || d['kind'] === 'Secret')) return 'config-only';
  if (before.length > 0 && before.length === after.length && same(before.map(stripEnv), after.map(stripEnv))) return 'config-only';
  return 'kustomize-patch';
}

function stripEnv(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripEnv);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v as Json).filter(([k]) => k !== 'env' && k !== 'envFrom').map(([k, c]) => [k, stripEnv(c)]));
}

function docs(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  try {
    return parseAllDocuments(text).map((d) => d.toJS() as unknown);
  } catch {
    return [];
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
