/**
 * Renders a Kustomize folder the way `kubectl kustomize` does, for the features the config
 * repo uses: `resources` (files and folders), `patches` / `patchesStrategicMerge`
 * (strategic merge), `namespace`, `commonLabels` / `labels`, `commonAnnotations` and the
 * `images` transformer (newName, newTag, digest), and `configMapGenerator` (`files`, `literals`)
 * with `generatorOptions`. Transformers run in Kustomize's order: patches, namespace, labels,
 * annotations, images.
 *
 * Generated ConfigMaps: real Kustomize appends a content hash to the name and rewrites every
 * reference to it (api/hasher/hasher.go, the nameReference transformer), so a changed file rolls
 * the workloads that mount it. The sandbox does not compute that hash: it renders generators
 * only with `generatorOptions.disableNameSuffixHash: true` (the ConfigMap then changes in place,
 * as flagd's file watcher expects) and refuses otherwise rather than render a different name.
 *
 * ### Examples
 * ```ts
 * const objects = await renderKustomize('/repo/apps/catalog/us-east');
 * // [{ kind: 'Deployment', metadata: { name: 'catalog', namespace: 'bookstore-platform-acme-books' },
 * //    spec: { template: { spec: { containers: [{ image: 'ghcr.io/acme/catalog@sha256:…' }] } } } }]
 * ```
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseImageReference } from '../kube/image-id.ts';
import type { KubeObject } from '../kube/types.ts';
import { isObject, strategicMerge } from './strategic-merge.ts';

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

interface Kustomization {
  resources?: string[];
  bases?: string[];
  namespace?: string;
  commonLabels?: Record<string, string>;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  commonAnnotations?: Record<string, string>;
  images?: ImageRule[];
  patches?: { path?: string; patch?: string }[];
  patchesStrategicMerge?: string[];
  configMapGenerator?: { name: string; namespace?: string; behavior?: string; files?: string[]; literals?: string[]; options?: GeneratorOptions }[];
  generatorOptions?: GeneratorOptions;
}

interface GeneratorOptions {
  disableNameSuffixHash?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

export class KustomizeError extends Error {}

export async function renderKustomize(dir: string): Promise<KubeObject[]> {
  const k = await readKustomization(dir);
  let objects: KubeObject[] = [];
  for (const entry of [...(k.resources ?? []), ...(k.bases ?? [])]) {
    const path = join(dir, entry);
    const isDir = (await stat(path).catch(() => undefined))?.isDirectory();
    if (isDir) objects.push(...(await renderKustomize(path)));
    else objects.push(...parseObjects(await readFile(path, 'utf8'), path));
  }
  objects.push(...(await generateConfigMaps(dir, k)));
  const patchTexts = [
    ...(k.patchesStrategicMerge ?? []).map((p) => readFile(join(dir, p), 'utf8')),
    ...(k.patches ?? []).map((p) => (p.path ? readFile(join(dir, p.path), 'utf8') : Promise.resolve(p.patch ?? ''))),
  ];
  for (const text of await Promise.all(patchTexts)) {
    for (const patch of parseObjects(text, dir)) objects = applyPatch(objects, patch);
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind ?? '')) o.metadata.namespace = k.namespace;
  }
  if (k.commonLabels) for (const o of objects) addLabels(o, k.commonLabels, true, true);
  for (const l of k.labels ?? []) for (const o of objects) addLabels(o, l.pairs, l.includeSelectors ?? false, l.includeTemplates ?? l.includeSelectors ?? false);
  if (k.commonAnnotations) {
    for (const o of objects) {
      o.metadata.annotations = { ...o.metadata.annotations, ...k.commonAnnotations };
      const t = podTemplate(o);
      if (t) t.metadata = { ...t.metadata, annotations: { ...(t.metadata?.annotations as object | undefined), ...k.commonAnnotations } };
    }
  }
  for (const rule of k.images ?? []) for (const o of objects) setImages(o, rule);
  return legacySort(objects);
}

/** `configMapGenerator` (api/internal/generators/configmap.go): `files` keyed by base name or `key=path`, `literals` as `key=value`. */
async function generateConfigMaps(dir: string, k: Kustomization): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const g of k.configMapGenerator ?? []) {
    const options = { ...k.generatorOptions, ...g.options };
    if (g.behavior && g.behavior !== 'create') throw new KustomizeError(`configMapGenerator ${g.name}: behavior ${g.behavior} is not modelled by the sandbox (only create)`);
    if (!options.disableNameSuffixHash) {
      throw new KustomizeError(`configMapGenerator ${g.name}: the sandbox does not compute Kustomize's name hash; set generatorOptions.disableNameSuffixHash: true`);
    }
    const data: Record<string, string> = {};
    for (const l of g.literals ?? []) {
      const eq = l.indexOf('=');
      data[l.slice(0, eq)] = l.slice(eq + 1);
    }
    for (const f of g.files ?? []) {
      const eq = f.indexOf('=');
      const [key, path] = eq >= 0 ? [f.slice(0, eq), f.slice(eq + 1)] : [f.slice(f.lastIndexOf('/') + 1), f];
      data[key] = await readFile(join(dir, path), 'utf8');
    }
    const metadata: KubeObject['metadata'] = { name: g.name };
    if (g.namespace) metadata.namespace = g.namespace;
    if (options.labels) metadata.labels = { ...options.labels };
    if (options.annotations) metadata.annotations = { ...options.annotations };
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
  }
  return out;
}

/** Kustomize's default ("legacy") output order: by kind, namespaces and config first, webhooks last. */
const KIND_ORDER = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet',
  'CronJob', 'PodDisruptionBudget',
];
const KIND_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function kindRank(kind: string): number {
  const first = KIND_ORDER.indexOf(kind);
  if (first >= 0) return first;
  const last = KIND_LAST.indexOf(kind);
  return last >= 0 ? 1000 + last : 500;
}

function legacySort(objects: KubeObject[]): KubeObject[] {
  const id = (o: KubeObject): string => `${o.apiVersion ?? ''}|${o.kind ?? ''}|${o.metadata.namespace ?? ''}|${o.metadata.name ?? ''}`;
  return [...objects].sort((a, b) => kindRank(a.kind ?? '') - kindRank(b.kind ?? '') || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

async function readKustomization(dir: string): Promise<Kustomization> {
  for (const name of KUSTOMIZATION_FILES) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return (parseYaml(text) ?? {}) as Kustomization;
  }
  throw new KustomizeError(`no kustomization.yaml in ${dir}`);
}

function parseObjects(text: string, where: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc): KubeObject[] => {
    if (doc.errors.length > 0) throw new KustomizeError(`${where}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    return isObject(value) ? [value as KubeObject] : [];
  });
}

function applyPatch(objects: KubeObject[], patch: KubeObject): KubeObject[] {
  const matches = objects.filter(
    (o) =>
      o.kind === patch.kind &&
      o.metadata.name === patch.metadata.name &&
      (patch.metadata.namespace === undefined || o.metadata.namespace === patch.metadata.namespace),
  );
  if (matches.length !== 1) {
    throw new KustomizeError(`no resource matches strategic merge patch "${patch.kind}/${patch.metadata.name}"`);
  }
  return objects.map((o) => (o === matches[0] ? (strategicMerge(o, patch) as KubeObject) : o));
}

type Template = { metadata?: Record<string, unknown>; spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] } };

function podTemplate(o: KubeObject): Template | undefined {
  if (!WORKLOADS.has(o.kind ?? '') || !isObject(o.spec)) return undefined;
  const t = o.spec['template'];
  return isObject(t) ? t : undefined;
}

function addLabels(o: KubeObject, pairs: Record<string, string>, selectors: boolean, templates: boolean): void {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  const spec = isObject(o.spec) ? o.spec : undefined;
  // Kustomize's commonLabels field specs (api/konfig/builtinpluginconsts/commonlabels.go) create a
  // workload's selector, but only extend a Job's when it has one (`create: false`).
  if (selectors && spec && WORKLOADS.has(o.kind ?? '') && (o.kind !== 'Job' || isObject(spec['selector']))) {
    const sel = isObject(spec['selector']) ? spec['selector'] : {};
    spec['selector'] = { ...sel, matchLabels: { ...(sel['matchLabels'] as object | undefined), ...pairs } };
  }
  if (selectors && spec && o.kind === 'Service') spec['selector'] = { ...(spec['selector'] as object | undefined), ...pairs };
  const t = podTemplate(o);
  if (templates && t) t.metadata = { ...t.metadata, labels: { ...(t.metadata?.['labels'] as object | undefined), ...pairs } };
}

/** The images transformer's field specs name no kind: any `spec.template.spec` (an Argo Rollout's too). */
function imageSpec(o: KubeObject): Template['spec'] | undefined {
  if (o.kind === 'Pod') return o.spec as Template['spec'];
  const t = isObject(o.spec) ? o.spec['template'] : undefined;
  return isObject(t) && isObject(t['spec']) ? (t['spec']) : undefined;
}

function setImages(o: KubeObject, rule: ImageRule): void {
  const spec = imageSpec(o);
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    if (!c.image) continue;
    const current = parseImageReference(c.image);
    if (current.repository !== rule.name) continue;
    const name = rule.newName ?? rule.name;
    const tag = rule.newTag ?? (rule.digest ? undefined : current.tag);
    c.image = `${name}${tag ? `:${tag}` : ''}${rule.digest ? `@${rule.digest}` : ''}`;
  }
}
