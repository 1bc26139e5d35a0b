/** RFC 6902 JSON Patch and RFC 7386 merge patch, for `PATCH /api/v1/applications/{name}`. */
import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../gitops/strategic-merge.ts';
import { GrpcCode, GrpcError } from './grpc-error.ts';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new GrpcError(GrpcCode.InvalidArgument, `invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[]): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: path /${tokens.join('/')} does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: path /${tokens.join('/')} does not exist`);
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function get(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of pointer(path)) cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, pointer(path));
  if (Array.isArray(parent)) return parent.splice(Number(key), 1)[0];
  if (!(key in parent)) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: cannot remove ${path}: not found`);
  const old = parent[key];
  delete parent[key];
  return old;
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else {
    if (replace && !(key in parent)) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: cannot replace ${path}: not found`);
    parent[key] = structuredClone(value);
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new GrpcError(GrpcCode.InvalidArgument, 'json patch: expected an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops as Op[]) {
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value, false);
        break;
      case 'replace':
        doc = add(doc, raw.path, raw.value, true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move':
      case 'copy': {
        const v = structuredClone(get(doc, raw.from ?? ''));
        if (raw.op === 'move') remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, v, false);
        break;
      }
      case 'test':
        if (!isDeepStrictEqual(get(doc, raw.path), raw.value)) throw new GrpcError(GrpcCode.InvalidArgument, `json patch: test failed at ${raw.path}`);
        break;
      default:
        throw new GrpcError(GrpcCode.InvalidArgument, `json patch: unknown op "${raw.op}"`);
    }
  }
  return doc;
}
