/** RFC 6901 JSON pointers: read a value, and copy one from another document (ignore rules). */

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function getAt(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const t of tokens(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

/**
 * Makes `target` hold at `pointer` what `source` holds there (removing it when `source` has
 * none), creating the objects on the way. What an ignore rule means for the patch: the field
 * keeps its live value.
 */
export function copyAt(source: unknown, target: Record<string, unknown>, pointer: string): void {
  const path = tokens(pointer);
  if (path.length === 0) return;
  const value = getAt(source, pointer);
  let cur: Record<string, unknown> = target;
  for (const t of path.slice(0, -1)) {
    const next = cur[t];
    if (!isRecord(next)) {
      if (value === undefined) return;
      cur[t] = {};
    }
    cur = cur[t] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = structuredClone(value);
}
