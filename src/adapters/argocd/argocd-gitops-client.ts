/**
 * `GitOpsClient` over Argo CD's REST API (the same API the `argocd` CLI and UI use), with a bearer
 * token. Idempotent calls (gets, the spec updates) are retried on transient failures; rollback and
 * sync are not, because a second POST could start a second operation.
 *
 * Sync-policy and pin changes go through `PUT .../spec?validate=false` (upstream's UpdateSpec):
 * PATCH always makes the server generate the app's manifests first, which fails while git is
 * down, exactly when an emergency change must still work.
 *
 * ### Examples
 * ```ts
 * const argocd = createArgoCdGitOpsClient({ url: 'https://127.0.0.1:8443', token, caFile: '.rewind/sandbox/ca.crt' });
 * const app = await argocd.getApplication('bookstore-catalog-us-east');
 * // app.history.at(-1) -> { id: 42, revision: 'd8f3c2a…', deployedAt: '2026-05-20T14:22:13.000Z' }
 * await argocd.setSyncPolicy(app.name, { automated: { ...app.syncPolicy.automated!, enabled: false } });
 * await argocd.rollback(app.name, 41, { prune: false });
 * ```
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppOwner, ApplicationState, SyncPolicy } from '../../core/domain.ts';
import type { GitOpsClient } from '../../core/ports.ts';
import { AdapterError, ConfigError, NotFoundError, type RewindError } from '../../core/errors.ts';
import { toApplicationState } from './argocd-application.ts';
import { appSetHold, toAppSetRules, toParentApp } from './argocd-owner.ts';
import { applyAnnotationOps, clearHold, writeHold, type HoldIO } from './argocd-hold.ts';
import type { HoldLocation } from '../../core/hold.ts';
import { SYSTEM, httpError, networkError, parseErrorBody } from './argocd-errors.ts';
import { watchApplication } from './stream-applications.ts';
import { createArgoCdTransport, type ArgoCdTransport, type TransportRequest } from './argocd-transport.ts';
import { createApplicationBodyReader, type ApplicationBody, type BodyReader } from './application-body-reader.ts';

export interface ArgoCdGitOpsClientOptions {
  /** Argo CD API server, e.g. `https://argocd.example.com`. */
  readonly url: string;
  /** The bearer token itself (the composition root reads `ARGOCD_AUTH_TOKEN` or `tokenFile`). */
  readonly token: string;
  /** PEM of the CA to trust, or the file holding it (`argocd.caFile`). */
  readonly ca?: string | Buffer;
  readonly caFile?: string;
  readonly insecure?: boolean;
  readonly timeoutMs?: number;
  /** Attempts for idempotent calls (the first included). */
  readonly tries?: number;
  /** First backoff; doubled after each failed attempt. */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): the back-off's jitter (injected for tests). */
  readonly random?: () => number;
  /** Injected for tests; built from url/token/ca otherwise. */
  readonly transport?: ArgoCdTransport;
}

const defaults = {
  tries: 4,
  backoffMs: 250,
  timeoutMs: 15_000,
  insecure: false,
  sleep: (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}),
  random: Math.random,
};

/** Upstream's validation failure when the repo-server cannot reach git (util/argo/argo.go ValidateRepo). */
const REPO_DOWN = /repository not accessible|failed to list refs/;

interface Call extends TransportRequest {
  readonly operation: string;
  readonly idempotent: boolean;
  readonly notFound: () => RewindError;
  /** Reads a 2xx body as it arrives (one per attempt); `JSON.parse` of the whole text otherwise. */
  readonly reader?: () => BodyReader<unknown>;
}

export function createArgoCdGitOpsClient(options: ArgoCdGitOpsClientOptions): GitOpsClient {
  const o = { ...defaults, ...options };
  const url = o.url.replace(/\/+$/, '');
  const transport = o.transport ?? createArgoCdTransport({ url, token: o.token, insecure: o.insecure, timeoutMs: o.timeoutMs, ...caOption(o) });
  const scrub = (e: unknown): unknown => (o.token.length >= 8 && e instanceof Error ? scrubToken(e, o.token) : e);

  async function once(call: Call): Promise<unknown> {
    const ctx = { operation: call.operation, url, notFound: call.notFound };
    const reader = call.reader?.();
    let res;
    try {
      res = await transport(reader ? { ...call, sink: reader } : call);
    } catch (err) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw networkError(err, ctx);
    }
    if (res.status >= 200 && res.status < 300) {
      try {
        if (reader) {
          // A transport that ignores the sink (an injected one) answers with the text: read the same.
          if (res.text) reader.write(res.text);
          return reader.end();
        }
        return res.text ? JSON.parse(res.text) : {};
      } catch (cause) {
        throw new AdapterError(SYSTEM, call.operation, `Argo CD answered HTTP ${res.status} with a body that is not JSON`, { cause });
      }
    }
    throw httpError(res.status, parseErrorBody(res.text), ctx);
  }

  async function send(call: Call): Promise<unknown> {
    const tries = call.idempotent ? Math.max(1, o.tries) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(call);
      } catch (err) {
        const retry = attempt < tries && err instanceof AdapterError && err.transient && !call.signal?.aborted;
        if (!retry) throw scrub(err);
        // Full jitter around the doubling back-off, so many clients refused together do not return together.
        await o.sleep(Math.round(o.backoffMs * 2 ** (attempt - 1) * (0.5 + o.random())), call.signal);
      }
    }
  }

  const appPath = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;
  const appSetPath = (name: string) => `/api/v1/applicationsets/${encodeURIComponent(name)}`;
  const noSet = (name: string) => () => new NotFoundError(`Argo CD has no ApplicationSet ${name}`);
  const noApp = (name: string) => () =>
    new NotFoundError(`Argo CD has no application ${name}`, {
      hint: '`rewind status` lists the apps in rewind.yaml; check the app name and that the token may see it',
    });

  type Spec = Record<string, unknown>;
  const record = (v: unknown): Spec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Spec) : {});

  /**
   * Reads the app's spec, changes it and writes it back without validation; answers with the
   * spec the server stored. Retrying is safe: each attempt re-reads and writes the same change.
   */
  const updateSpec = async (name: string, operation: string, change: (spec: Spec) => void): Promise<Spec> => {
    const app = record(await send({ method: 'GET', path: appPath(name), operation, idempotent: true, notFound: noApp(name) }));
    const spec = structuredClone(record(app['spec']));
    change(spec);
    return record(await send({ method: 'PUT', path: `${appPath(name)}/spec?validate=false`, body: spec, operation, idempotent: true, notFound: noApp(name) }));
  };
  const setAutomated = (spec: Spec, automated: unknown): void => {
    const syncPolicy = record(spec['syncPolicy']);
    if (automated === null) delete syncPolicy['automated'];
    else syncPolicy['automated'] = automated;
    spec['syncPolicy'] = syncPolicy;
  };

  /** The owner's rules or policy; a failure to read them is recorded, so nobody reads it as "no rules". */
  const withOwner = async (app: ApplicationState, signal?: AbortSignal): Promise<ApplicationState> => {
    const owner = app.owner;
    if (!owner) return app;
    const path = owner.kind === 'ApplicationSet' ? appSetPath(owner.name) : appPath(owner.name);
    const operation = `get ${owner.kind} ${owner.name} (owner of ${app.name})`;
    const get = (p: string, op: string, missing: string) =>
      send({ method: 'GET', path: p, operation: op, idempotent: true, notFound: () => new NotFoundError(missing), ...(signal ? { signal } : {}) });
    let detail: Partial<AppOwner>;
    let ownHold = app.hold;
    let holdOn: HoldLocation | undefined;
    try {
      const json = await get(path, operation, `Argo CD has no ${owner.kind} ${owner.name}`);
      if (owner.kind === 'ApplicationSet') {
        let rules = toAppSetRules(json, app.name);
        if (rules.managedBy) {
          const manager = toParentApp(await get(appPath(rules.managedBy.name), `get application ${rules.managedBy.name} (deploys ApplicationSet ${owner.name})`, `Argo CD has no application ${rules.managedBy.name}`));
          rules = Object.freeze({ ...rules, managedBy: Object.freeze({ name: rules.managedBy.name, autoSync: manager.autoSync, selfHeal: manager.selfHeal }) });
        }
        const setHold = appSetHold(json);
        // A hold on the set for this app is the app's hold (the set would wipe it from the app).
        if (setHold && ownHold === undefined && (!setHold.ok || setHold.hold.app === app.name)) {
          ownHold = setHold;
          holdOn = { kind: 'ApplicationSet', name: owner.name };
        }
        detail = { applicationSet: rules, ...(setHold ? { hold: setHold } : {}) };
      } else {
        detail = { parent: toParentApp(json) };
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      detail = { unreadable: err instanceof Error ? err.message : String(err) };
    }
    return Object.freeze({ ...app, owner: Object.freeze({ ...owner, ...detail }), ...(ownHold ? { hold: ownHold } : {}), ...(holdOn ? { holdOn } : {}) });
  };

  /** Argo CD's API updates an ApplicationSet only by create with `upsert=true`: the whole object, last writer wins. */
  const upsertAppSet = async (name: string, operation: string, change: (set: Spec) => void): Promise<Spec> => {
    const set = record(await send({ method: 'GET', path: appSetPath(name), operation, idempotent: true, notFound: noSet(name) }));
    const { status: _status, ...rest } = structuredClone(set);
    change(rest);
    return record(await send({ method: 'POST', path: '/api/v1/applicationsets?upsert=true', body: rest, operation, idempotent: true, notFound: noSet(name) }));
  };

  const appSetHoldIO: HoldIO = {
    getRaw: (name) => send({ method: 'GET', path: appSetPath(name), operation: `get ApplicationSet ${name}`, idempotent: true, notFound: noSet(name) }),
    // The set has no PATCH in Argo CD's API: the `test` ops are checked here, then the set is upserted.
    async jsonPatch(name, operation, ops) {
      await upsertAppSet(name, operation, (set) => applyAnnotationOps(set, ops));
      return {};
    },
  };

  /**
   * The hold as a JSON patch with its `test`. Upstream's Patch always validates (generates the
   * app's manifests), so while git is down it fails; the hold is then checked here against a
   * fresh read and written with `PUT ?validate=false` (upstream's Update, last writer wins), and
   * the caller's read-back catches a writer that raced it.
   */
  const holdIO: HoldIO = {
    getRaw: (name) => send({ method: 'GET', path: appPath(name), operation: `get application ${name}`, idempotent: true, notFound: noApp(name) }),
    // Not retried: a JSON patch with a `test` is not idempotent once it applied.
    async jsonPatch(name, operation, ops) {
      try {
        return await send({ method: 'PATCH', path: appPath(name), body: { name, patch: JSON.stringify(ops), patchType: 'json' }, operation, idempotent: false, notFound: noApp(name) });
      } catch (e) {
        if (!(e instanceof AdapterError && e.status === 400 && REPO_DOWN.test(e.message))) throw e;
        const app = record(await holdIO.getRaw(name));
        const { status: _status, ...rest } = structuredClone(app);
        applyAnnotationOps(rest, ops);
        return send({ method: 'PUT', path: `${appPath(name)}?validate=false`, body: rest, operation: `${operation} (git is down: unvalidated update)`, idempotent: false, notFound: noApp(name) });
      }
    },
  };

  const ioFor = (on?: HoldLocation): { io: HoldIO; name?: string } =>
    on?.kind === 'ApplicationSet' ? { io: appSetHoldIO, name: on.name } : { io: holdIO };

  return {
    // An injected transport (tests) has no stream to offer: waits then poll, as against a server without one.
    ...(o.transport ? {} : { watchApplication: (name: string) => watchApplication({ url, token: o.token, insecure: o.insecure, ...caOption(o) }, name) }),
    writeHold: (name, hold, on) => {
      const { io, name: target } = ioFor(on);
      return writeHold(io, target ?? name, hold);
    },
    clearHold: (name, runId, on) => {
      const { io, name: target } = ioFor(on);
      return clearHold(io, target ?? name, runId);
    },

    async setApplicationsSync(set, policy): Promise<void> {
      await upsertAppSet(set, `set applicationsSync of ApplicationSet ${set} to ${policy ?? '(unset)'}`, (s) => {
        const spec = record(s['spec']);
        const syncPolicy = record(spec['syncPolicy']);
        if (policy === null) delete syncPolicy['applicationsSync'];
        else syncPolicy['applicationsSync'] = policy;
        if (Object.keys(syncPolicy).length === 0) delete spec['syncPolicy'];
        else spec['syncPolicy'] = syncPolicy;
        s['spec'] = spec;
      });
    },

    async getApplication(name, opts = {}): Promise<ApplicationState> {
      const query = opts.refresh === 'hard' ? '?refresh=hard' : opts.refresh ? '?refresh=normal' : '';
      const body = (await send({
        method: 'GET',
        path: appPath(name) + query,
        operation: `get application ${name}`,
        idempotent: true,
        notFound: noApp(name),
        reader: createApplicationBodyReader,
        ...(opts.signal ? { signal: opts.signal } : {}),
      })) as ApplicationBody;
      return withOwner(toApplicationState(body.json, body.history), opts.signal);
    },

    /**
     * Disabling writes `automated.enabled: false`, which keeps `prune`/`selfHeal` in the spec, as
     * Argo CD's own UI does since 3.1. A server older than 3.1 drops the unknown field (the
     * answer shows no `enabled: false`); then the block is removed, the only way to stop
     * auto-sync there, and the caller's saved policy is what restores prune/selfHeal later.
     * `automated: null` removes the block; a merge patch with null is a no-op when it is
     * already gone, so this stays idempotent without reading first.
     */
    async setSyncPolicy(name, policy: SyncPolicy): Promise<void> {
      const operation = `set sync policy of ${name}`;
      const automated = policy.automated;
      if (automated === null) {
        await updateSpec(name, operation, (spec) => setAutomated(spec, null));
        return;
      }
      const { prune, selfHeal, enabled } = automated;
      const stored = await updateSpec(name, operation, (spec) => setAutomated(spec, { ...record(record(spec['syncPolicy'])['automated']), prune, selfHeal, enabled }));
      if (enabled) return;
      // A server older than 3.1 drops the unknown field: its answer shows no `enabled: false`.
      const echoed = record(record(stored['syncPolicy'])['automated']);
      if (Object.keys(echoed).length > 0 && echoed['enabled'] !== false) {
        await updateSpec(name, `${operation} (server predates automated.enabled: removing the block)`, (spec) => setAutomated(spec, null));
      }
    },

    async setTargetRevision(name, revision): Promise<void> {
      await updateSpec(name, `pin targetRevision of ${name} to ${revision}`, (spec) => {
        spec['source'] = { ...record(spec['source']), targetRevision: revision };
      });
    },

    async rollback(name, id, opts): Promise<void> {
      const operation = `rollback ${name} to history ${id}`;
      try {
        await send({
          method: 'POST',
          path: `${appPath(name)}/rollback`,
          body: { name, id, prune: opts.prune, dryRun: opts.dryRun ?? false },
          operation,
          idempotent: false,
          notFound: noApp(name),
        });
      } catch (err) {
        // Argo CD answers InvalidArgument "application X does not have deployment with id N".
        if (err instanceof AdapterError && err.status === 400 && /does not have deployment with id/i.test(err.message)) {
          throw new NotFoundError(`Argo CD application ${name} has no history id ${id}`, {
            hint: `\`rewind history ${name}\` lists the ids it keeps (the newest revisionHistoryLimit)`,
            cause: err,
          });
        }
        throw err;
      }
    },

    async sync(name, opts): Promise<void> {
      await send({
        method: 'POST',
        path: `${appPath(name)}/sync`,
        body: { name, ...(opts.revision ? { revision: opts.revision } : {}), prune: opts.prune ?? false },
        operation: `sync ${name}${opts.revision ? ` to ${opts.revision}` : ''}`,
        idempotent: false,
        notFound: noApp(name),
      });
    },
  };
}

function caOption(o: { ca?: string | Buffer; caFile?: string }): { ca?: string | Buffer } {
  if (o.ca) return { ca: o.ca };
  if (!o.caFile) return {};
  try {
    return { ca: readFileSync(o.caFile) };
  } catch (cause) {
    throw new ConfigError(`cannot read argocd.caFile ${o.caFile}`, { cause, hint: 'point caFile at a PEM CA certificate' });
  }
}

/** NOTE: the token must never reach a message or a log, even when a server echoes it back. */
function scrubToken(e: Error, token: string): Error {
  if (e.message.includes(token)) e.message = e.message.split(token).join('***');
  return e;
}
