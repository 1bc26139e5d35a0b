import { AdapterError, RefusedError } from '../../core/errors.ts';
import { HOLD_ANNOTATION, readHold, type Hold } from '../../core/hold.ts';

/** What the hold writer needs of the client: the raw Application, and a JSON patch. */
export interface HoldIO {
  getRaw(name: string): Promise<unknown>;
  jsonPatch(name: string, operation: string, ops: readonly unknown[]): Promise<unknown>;
}

const KEY = `/metadata/annotations/${HOLD_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function annotationsOf(raw: unknown): Record<string, string> | undefined {
  const metadata = (raw as { metadata?: { annotations?: unknown } } | null)?.metadata;
  const a = metadata?.annotations;
  return typeof a === 'object' && a !== null ? (a as Record<string, string>) : undefined;
}

const testFailed = (e: unknown) => e instanceof AdapterError && /test failed|testing value|does not exist/i.test(e.message);

/**
 * Writes the hold with optimistic concurrency. Argo CD's API server ignores the client's
 * resourceVersion and re-applies an update on conflict (last writer wins: `updateApp` in upstream
 * server/application/application.go), so the patch carries a JSON-patch `test` that the
 * annotations are still exactly what this run read (no hold among them). Narrow race left: an
 * Application with no annotations at all has no map to test, so the map is created by `add`;
 * two rewinds that both read "no annotations" in the same instant both succeed, the second
 * replacing the first. The read-back below catches that for the first writer in most cases.
 */
export async function writeHold(io: HoldIO, name: string, hold: Hold): Promise<void> {
  const before = annotationsOf(await io.getRaw(name));
  const current = before?.[HOLD_ANNOTATION];
  if (current !== undefined) {
    const reading = readHold(current);
    if (!reading.ok || reading.hold.runId !== hold.runId) {
      throw new RefusedError(`${name} is already held: ${reading.ok ? `run ${reading.hold.runId} (${reading.hold.actor}@${reading.hold.host})` : 'an unreadable hold'}`, {
        hint: `see \`rewind status ${name}\``,
      });
    }
  }
  const value = JSON.stringify(hold);
  const ops = before === undefined
    ? [{ op: 'add', path: '/metadata/annotations', value: { [HOLD_ANNOTATION]: value } }]
    : [{ op: 'test', path: '/metadata/annotations', value: before }, { op: 'add', path: KEY, value }];
  try {
    await io.jsonPatch(name, `write rewind's hold on ${name}`, ops);
  } catch (e) {
    if (testFailed(e)) throw new RefusedError(`${name} changed while rewind wrote its hold (another rewind may be acting): nothing else was changed`, { hint: `see \`rewind status ${name}\`, then try again`, cause: e });
    throw e;
  }
  const after = annotationsOf(await io.getRaw(name))?.[HOLD_ANNOTATION];
  const mine = after !== undefined && readHold(after);
  if (!mine || !mine.ok || mine.hold.runId !== hold.runId) {
    throw new RefusedError(`another hold replaced this run's on ${name}: nothing else was changed`, { hint: `see \`rewind status ${name}\`` });
  }
}

/** Removes the hold when it is `runId`'s (tested in the same patch); nothing when there is none. */
export async function clearHold(io: HoldIO, name: string, runId: string): Promise<void> {
  const current = annotationsOf(await io.getRaw(name))?.[HOLD_ANNOTATION];
  if (current === undefined) return;
  const reading = readHold(current);
  if (reading.ok && reading.hold.runId !== runId) {
    throw new RefusedError(`${name} is held by run ${reading.hold.runId}, not ${runId}: its hold stays`);
  }
  try {
    await io.jsonPatch(name, `remove rewind's hold from ${name}`, [{ op: 'test', path: KEY, value: current }, { op: 'remove', path: KEY }]);
  } catch (e) {
    if (testFailed(e)) throw new RefusedError(`the hold on ${name} changed while rewind removed it: it stays`, { cause: e });
    throw e;
  }
}

type PatchOp = { op?: unknown; path?: unknown; value?: unknown };

/**
 * The hold's JSON-patch ops applied to an object read from a server that has no PATCH (an
 * ApplicationSet through Argo CD's API): `test` is checked against what was read, so a hold that
 * changed since is refused as a server's failed test would be.
 */
export function applyAnnotationOps(target: Record<string, unknown>, ops: readonly unknown[]): void {
  const metadata = (target['metadata'] ??= {}) as Record<string, unknown>;
  const keyOf = (path: string): string | undefined =>
    path === '/metadata/annotations' ? undefined : path.replace(/^\/metadata\/annotations\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  for (const raw of ops) {
    const { op, path, value } = raw as PatchOp;
    if (typeof path !== 'string' || !path.startsWith('/metadata/annotations')) throw new AdapterError('argocd', 'hold', `unsupported patch path ${String(path)}`);
    const annotations = metadata['annotations'] as Record<string, string> | undefined;
    const key = keyOf(path);
    const current: unknown = key === undefined ? annotations : annotations?.[key];
    if (op === 'test') {
      if (JSON.stringify(current) !== JSON.stringify(value)) throw new AdapterError('argocd', 'hold', `test failed: ${path} is not what was read`);
    } else if (op === 'add') {
      if (key === undefined) metadata['annotations'] = value;
      else metadata['annotations'] = { ...(annotations ?? {}), [key]: value as string };
    } else if (op === 'remove') {
      if (key === undefined || annotations?.[key] === undefined) throw new AdapterError('argocd', 'hold', `test failed: ${path} does not exist`);
      const { [key]: _gone, ...rest } = annotations;
      metadata['annotations'] = rest;
    } else {
      throw new AdapterError('argocd', 'hold', `unsupported patch op ${String(op)}`);
    }
  }
}
