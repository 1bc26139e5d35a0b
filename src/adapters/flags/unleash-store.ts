/**
 * `FlagStore` over a real Unleash server (7.x): the admin API reads and switches the feature in
 * the app's environment (`POST /api/admin/projects/{project}/features/{name}/environments/{env}/off`,
 * Unleash `src/lib/features/feature-toggle/feature-toggle-controller.ts`), and the client API
 * (`GET /api/client/features`, what every server-side SDK polls with a client token scoped to
 * that environment) confirms what an SDK now sees. Tokens come by reference; they travel only in
 * the Authorization header and never appear in errors.
 *
 * ### Examples
 * ```ts
 * const store = createUnleashStore({ url: 'http://127.0.0.1:4242', project: 'default', environment: 'production', adminToken, clientToken });
 * await store.turnOff(flag, { runId: 'r-1', message: 'rewind: turn catalog.new-pricing off' });
 * // { changed: true, where: 'unleash http://127.0.0.1:4242 default/production' }
 * ```
 */
import { AdapterError, NotFoundError } from '../../core/errors.ts';
import type { DeclaredFlag, FlagState } from '../../core/flags/types.ts';
import type { FlagStore, FlagWrite } from '../../core/ports.ts';

export interface UnleashStoreOptions {
  readonly url: string;
  readonly project: string;
  readonly environment: string;
  readonly adminToken: string;
  readonly clientToken: string;
  readonly timeoutMs?: number;
}

const SYSTEM = 'unleash';

interface AdminFeature {
  readonly name: string;
  readonly environments?: readonly { readonly name: string; readonly enabled: boolean; readonly strategies?: readonly unknown[] }[];
}

interface ClientFeatures {
  readonly features?: readonly { readonly name: string; readonly enabled: boolean; readonly strategies?: readonly unknown[] }[];
}

export function createUnleashStore(o: UnleashStoreOptions): FlagStore {
  const base = o.url.replace(/\/+$/, '');
  const where = `unleash ${base} ${o.project}/${o.environment}`;
  const featurePath = (key: string) => `/api/admin/projects/${encodeURIComponent(o.project)}/features/${encodeURIComponent(key)}`;

  async function call<T>(method: 'GET' | 'POST', path: string, token: string, what: string): Promise<T | undefined> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers: { Authorization: token, Accept: 'application/json' }, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new AdapterError(SYSTEM, `${method} ${path}`, `${base} cannot be reached: ${(e as Error).message}`, { cause: e, transient: true });
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) {
      throw new AdapterError(SYSTEM, `${method} ${path}`, `unleash answered ${res.status} ${res.statusText} to ${what}: the token is missing, wrong or lacks the permission`, {
        hint: 'check the token the flag\'s adminTokenEnv / clientTokenEnv names (an admin token, and a client token for the environment)',
      });
    }
    if (res.status === 404) return undefined;
    if (res.status >= 300) throw new AdapterError(SYSTEM, `${method} ${path}`, `unleash answered ${res.status} to ${what}: ${text.slice(0, 200)}`, { transient: res.status >= 500 });
    return text ? (JSON.parse(text) as T) : undefined;
  }

  function notFound(key: string): NotFoundError {
    return new NotFoundError(`flag ${key} does not exist in Unleash project ${o.project} (${base})`, { hint: 'check apps[].flags[].key and unleash.project in rewind.yaml' });
  }

  async function read(flag: DeclaredFlag): Promise<FlagState & { snapshot: string }> {
    const f = await call<AdminFeature>('GET', featurePath(flag.key), o.adminToken, `reading ${flag.key}`);
    if (!f) throw notFound(flag.key);
    const env = f.environments?.find((e) => e.name === o.environment);
    if (!env) throw new NotFoundError(`flag ${flag.key} has no environment ${o.environment} in Unleash project ${o.project}`);
    return { key: flag.key, on: env.enabled, defaultVariant: null, targeting: false, offVariant: null, source: `${where}: GET ${featurePath(flag.key)}`, snapshot: JSON.stringify({ enabled: env.enabled }) };
  }

  async function toggle(flag: DeclaredFlag, on: boolean): Promise<FlagWrite> {
    const now = await read(flag);
    if (now.on === on) return { changed: false, where };
    const r = await call<unknown>('POST', `${featurePath(flag.key)}/environments/${encodeURIComponent(o.environment)}/${on ? 'on' : 'off'}`, o.adminToken, `turning ${flag.key} ${on ? 'on' : 'off'}`);
    if (r === undefined && !(await read(flag).then((s) => s.on === on))) throw notFound(flag.key);
    return { changed: true, where };
  }

  return {
    read,
    turnOff: (flag) => toggle(flag, false),
    async restore(flag, snapshot) {
      const saved = JSON.parse(snapshot) as { enabled?: unknown };
      if (typeof saved.enabled !== 'boolean') throw new AdapterError(SYSTEM, 'restore', `the saved state of ${flag.key} is not {"enabled": true|false}`);
      return toggle(flag, saved.enabled);
    },
    async applied(flag) {
      const body = await call<ClientFeatures>('GET', '/api/client/features', o.clientToken, 'the client API');
      const f = body?.features?.find((x) => x.name === flag.key);
      if (!f) throw notFound(flag.key);
      return { key: flag.key, on: f.enabled, defaultVariant: null, targeting: false, offVariant: null, source: `${base} GET /api/client/features (client token, ${o.environment})` };
    },
  };
}
