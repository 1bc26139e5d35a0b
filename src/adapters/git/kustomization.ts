/**
 * What rewind reads from a `kustomization.yaml`: its `images:` overrides (Step 2's digest and tag
 * bumps) and the local files and folders its build reads (to tell the app's changes from its
 * neighbours' in a shared config repo).
 */
import { parse } from 'yaml';
import { deepFreeze } from '../../core/freeze.ts';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export interface KustomizeImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function isKustomizationPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (KUSTOMIZATION_FILES as readonly string[]).includes(base);
}

// NOTE: a plan reads the same few kustomization texts several times over (the Pod template, the
// app's scope at both ends of the window, a changed file's two sides: the seed app's window parsed
// 2 texts 5 times and another 3 times), each parse through the yaml library's cold code on the
// window's critical path (issue 19). One parse per text; the document is frozen, so sharing it is safe.
const parsed = new Map<string, Json | undefined>();
const REMEMBERED = 64;

/**
 * The parsed document, frozen; undefined when absent or not YAML (a broken file is a change, not a
 * crash). The same text gives the same object.
 */
export function parseKustomization(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  if (parsed.has(text)) return parsed.get(text);
  let doc: Json | undefined;
  try {
    doc = deepFreeze(obj(parse(text)));
  } catch {
    doc = undefined;
  }
  if (parsed.size >= REMEMBERED) parsed.clear();
  parsed.set(text, doc);
  return doc;
}


export function imagesOf(k: Json | undefined): readonly KustomizeImage[] {
  return arr(k?.['images']).flatMap((i) => {
    const o = obj(i);
    const name = str(o['name']);
    if (!name) return [];
    const newName = str(o['newName']);
    const newTag = str(o['newTag']);
    const digest = str(o['digest']);
    return [{ name, ...(newName ? { newName } : {}), ...(newTag ? { newTag } : {}), ...(digest ? { digest } : {}) }];
  });
}

/** The image reference the override produces: `ghcr.io/acme/catalog@sha256:…` or `…:v1.2.3`. */
export function renderImage(i: KustomizeImage): string {
  const name = i.newName ?? i.name;
  return i.digest ? `${name}@${i.digest}` : i.newTag ? `${name}:${i.newTag}` : name;
}

/** Local paths (relative to the kustomization's folder) its build reads; remote bases are skipped. */
export function localRefs(k: Json): readonly string[] {
  const refs = [
    ...arr(k['resources']),
    ...arr(k['bases']),
    ...arr(k['components']),
    ...arr(k['patchesStrategicMerge']),
    ...arr(k['crds']),
    ...arr(k['patches']).map((p) => obj(p)['path']),
    ...arr(k['patchesJson6902']).map((p) => obj(p)['path']),
    ...[...arr(k['configMapGenerator']), ...arr(k['secretGenerator'])].flatMap((g) => [...arr(obj(g)['files']), ...arr(obj(g)['envs'])]),
  ];
  return refs
    .map((r) => str(r)?.replace(/^[^=]*=/, '')) // generator entries may be `key=path`
    .filter((r): r is string => !!r && !/^[a-z]+:\/\/|^github\.com\/|^git@/.test(r));
}

/** Everything except `images:`, to tell an image bump from another edit in the same file. */
export function withoutImages(k: Json | undefined): Json {
  const { images: _images, ...rest } = k ?? {};
  return rest;
}

/** Only generator inputs differ: a ConfigMap/Secret change, the "config only" case of Step 2. */
export const GENERATOR_KEYS = ['configMapGenerator', 'secretGenerator', 'generatorOptions'] as const;
