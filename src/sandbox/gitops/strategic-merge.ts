/**
 * The part of Kubernetes' strategic merge patch that Kustomize `patches` use on workloads:
 * maps merge recursively, `null` deletes a key, and lists of named things (containers, env,
 * volumes, ports) merge item by item on their merge key; other lists are replaced.
 * Merged lists put the patch's items first, then the original's remaining items, which is
 * the order `kubectl kustomize` prints.
 */
type Json = unknown;

const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

export function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function strategicMerge(original: Json, patch: Json, key = ''): Json {
  if (isObject(original) && isObject(patch)) {
    if (patch['$patch'] === 'replace') return stripDirectives(patch);
    if (patch['$patch'] === 'delete') return undefined;
    const out: Record<string, Json> = { ...original };
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith('$')) continue;
      if (v === null) delete out[k];
      else out[k] = k in original ? strategicMerge(original[k], v, k) : stripDirectives(v);
    }
    return out;
  }
  if (Array.isArray(original) && Array.isArray(patch)) {
    const mergeKey = MERGE_KEYS[key];
    if (!mergeKey || !patch.every(isObject) || !original.every(isObject)) return patch.map(stripDirectives);
    const byKey = new Map(original.map((item) => [item[mergeKey], item]));
    const merged: Json[] = [];
    const used = new Set<Json>();
    for (const item of patch) {
      const id = item[mergeKey];
      used.add(id);
      if (item['$patch'] === 'delete') continue;
      merged.push(byKey.has(id) ? strategicMerge(byKey.get(id), item) : stripDirectives(item));
    }
    for (const item of original) if (!used.has(item[mergeKey])) merged.push(item);
    return merged;
  }
  return stripDirectives(patch);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$') && x !== null) out[k] = stripDirectives(x);
  return out;
}
