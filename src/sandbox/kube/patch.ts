/**
 * The three PATCH flavours kubectl sends: JSON patch (`rollout undo`), JSON merge patch
 * (`patch --type=merge`) and strategic merge patch (`patch`, `set image`, `apply`).
 *
 * ### Examples
 * SMP `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"catalog"}],
 * "containers":[{"name":"catalog","image":"catalog:1.3"}]}}}}` changes only that
 * container's image; a merge patch with the same `containers` would replace the list.
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest } from './status-error.ts';

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of the lists kubectl patches in Deployments, Pods and ReplicaSets (from the
 * `patchMergeKey` tags of k8s.io/api). Lists not named here are replaced, as lists
 * without a merge strategy are.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/** Primitive lists that merge as sets. */
const SET_LISTS = new Set(['finalizers']);

export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') return stripDirectives(patch);
  if (patch['$patch'] === 'delete') return undefined;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue; // $setElementOrder/…, $retainKeys, $deleteFromPrimitiveList/…, $patch
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = MERGE_KEYS[key];
    const current = result[key];
    if (Array.isArray(value) && mergeKey && (Array.isArray(current) || current === undefined)) {
      result[key] = mergeListByKey((current as unknown[] | undefined) ?? [], value, mergeKey);
    } else if (Array.isArray(value) && SET_LISTS.has(key) && Array.isArray(current)) {
      result[key] = [...(current as unknown[]), ...(value as unknown[]).filter((v) => !current.includes(v))];
    } else if (isObject(value)) {
      const merged = applyStrategicMergePatch(current, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = clone(value);
  }
  // `$deleteFromPrimitiveList/finalizers: [x]` removes entries from a set list.
  for (const [key, value] of Object.entries(patch)) {
    const m = /^\$deleteFromPrimitiveList\/(.+)$/.exec(key);
    if (m && Array.isArray(value) && Array.isArray(result[m[1]!])) {
      result[m[1]!] = (result[m[1]!] as unknown[]).filter((v) => !value.includes(v));
    }
  }
  return result;
}

function mergeListByKey(current: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const result = current.map(clone);
  // A patch list of one `{$patch: replace}` replaces the whole list.
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')).map(stripDirectives);
  }
  for (const item of patch) {
    if (!isObject(item) || !(mergeKey in item)) {
      result.push(stripDirectives(item));
      continue;
    }
    const index = result.findIndex((r) => isObject(r) && r[mergeKey] === item[mergeKey]);
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = applyStrategicMergePatch(result[index], item);
    else result.push(stripDirectives(item));
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902. Throws a 422-style BadRequest on a path that does not resolve. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    const pointer = parsePointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = setAt(doc, pointer, clone(raw.value), 'add');
        break;
      case 'replace':
        getAt(doc, pointer, raw.path);
        doc = setAt(doc, pointer, clone(raw.value), 'replace');
        break;
      case 'remove':
        getAt(doc, pointer, raw.path);
        doc = removeAt(doc, pointer);
        break;
      case 'move': {
        const from = parsePointer(raw.from ?? '');
        const value = getAt(doc, from, raw.from ?? '');
        doc = setAt(removeAt(doc, from), pointer, value, 'add');
        break;
      }
      case 'copy':
        doc = setAt(doc, pointer, clone(getAt(doc, parsePointer(raw.from ?? ''), raw.from ?? '')), 'add');
        break;
      case 'test':
        if (!isDeepStrictEqual(getAt(doc, pointer, raw.path), raw.value)) {
          throw badRequest(`the server rejected our request due to an error in our request: test failed at ${raw.path}`);
        }
        break;
      default:
        throw badRequest(`unexpected json patch operation "${String((raw as { op?: unknown }).op)}"`);
    }
  }
  return doc;
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid json pointer "${path}"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, pointer: string[], path: string): unknown {
  let node = doc;
  for (const part of pointer) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else node = undefined;
    if (node === undefined) throw badRequest(`the server rejected our request due to an error in our request: path ${path} does not exist`);
  }
  return node;
}

function setAt(doc: unknown, pointer: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (pointer.length === 0) return value;
  const parent = getAt(doc, pointer.slice(0, -1), '/' + pointer.slice(0, -1).join('/'));
  const last = pointer[pointer.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) parent[last] = value;
  else throw badRequest(`the server rejected our request due to an error in our request: cannot set ${last}`);
  return doc;
}

function removeAt(doc: unknown, pointer: string[]): unknown {
  const parent = getAt(doc, pointer.slice(0, -1), '/' + pointer.slice(0, -1).join('/'));
  const last = pointer[pointer.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent)) delete parent[last];
  return doc;
}
