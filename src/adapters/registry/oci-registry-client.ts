/**
 * `ImageRegistry` over the OCI distribution API: `HEAD /v2/<name>/manifests/<tag>` answers the
 * manifest digest in `Docker-Content-Digest`. Registries want a bearer token: the first request
 * gets `401` with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, the token comes from the
 * realm with the registry's credentials (Basic), and the request is repeated with it
 * (distribution `docs/spec/auth/token.md`). Credentials are read by reference from a Docker
 * `config.json` (`auths.<host>.auth` = base64 `user:password`, or `username`/`password`), only
 * when a registry asks for them; they and the tokens never reach errors or evidence.
 *
 * ### Examples
 * ```ts
 * const registry = createOciRegistryClient({ registries: [{ host: 'ghcr.io', url: 'https://127.0.0.1:5003', caFile: 'ca.crt' }], dockerConfig: 'docker-config.json' });
 * await registry.resolveDigest('ghcr.io/acme/orders:2.8.0');
 * // { digest: 'sha256:3ebe…', source: 'registry HEAD https://127.0.0.1:5003/v2/acme/orders/manifests/2.8.0' }
 * ```
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AdapterError, ConfigError, NotFoundError } from '../../core/errors.ts';
import { isDigest, parseImageRef } from '../../core/image-id.ts';
import type { ImageRegistry } from '../../core/ports.ts';
import { createRegistryTransport, type RegistryResponse, type RegistryTransport } from './registry-transport.ts';
import { parseBearerChallenge } from './www-authenticate.ts';

const SYSTEM = 'registry';

/** What a client says it can take: an index (multi-arch) or a single manifest, OCI or Docker. */
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryEndpoint {
  /** The host image references name (`ghcr.io`, `docker.io`). */
  readonly host: string;
  /** Where its API answers; default `https://<host>` (Docker Hub: `https://registry-1.docker.io`). */
  readonly url?: string;
  readonly caFile?: string;
}

export interface OciRegistryClientOptions {
  readonly registries?: readonly RegistryEndpoint[];
  /** Docker config.json; default `$DOCKER_CONFIG/config.json`, then `~/.docker/config.json`. */
  readonly dockerConfig?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Injected for tests; node:https otherwise. */
  readonly transport?: RegistryTransport;
  readonly timeoutMs?: number;
}

interface Credentials {
  readonly username: string;
  readonly password: string;
}

export function createOciRegistryClient(options: OciRegistryClientOptions = {}): ImageRegistry {
  const env = options.env ?? process.env;
  const transports = new Map<string, Promise<RegistryTransport>>();
  const tokens = new Map<string, string>();
  let config: Promise<Record<string, unknown>> | undefined;

  const endpointOf = (host: string): { url: string; caFile?: string } => {
    const e = options.registries?.find((r) => r.host === host);
    const url = (e?.url ?? (host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`)).replace(/\/+$/, '');
    return { url, ...(e?.caFile ? { caFile: e.caFile } : {}) };
  };

  const transportFor = (url: string, caFile: string | undefined): Promise<RegistryTransport> => {
    let t = transports.get(url);
    if (!t) {
      t = (async () => {
        if (options.transport) return options.transport;
        const ca = caFile ? await readFile(caFile).catch((cause: unknown) => { throw new ConfigError(`cannot read the registry CA ${caFile}`, { cause }); }) : undefined;
        return createRegistryTransport({ ...(ca ? { ca } : {}), timeoutMs: options.timeoutMs ?? 15_000 });
      })();
      transports.set(url, t);
    }
    return t;
  };

  const dockerConfigPath = (): string => options.dockerConfig ?? join(env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'config.json');

  const credentialsFor = async (hosts: readonly string[]): Promise<Credentials | undefined> => {
    config ??= readFile(dockerConfigPath(), 'utf8')
      .then((text) => JSON.parse(text) as Record<string, unknown>)
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return {};
        throw new ConfigError(`cannot read the Docker config ${dockerConfigPath()}: ${e.message}`, { hint: 'dockerConfig in rewind.yaml names a `docker login` config.json' });
      });
    const auths = (await config)['auths'];
    if (typeof auths !== 'object' || auths === null) return undefined;
    for (const host of hosts) {
      const entry = (auths as Record<string, unknown>)[host] ?? (auths as Record<string, unknown>)[`https://${host}`];
      if (typeof entry !== 'object' || entry === null) continue;
      const e = entry as { auth?: unknown; username?: unknown; password?: unknown };
      if (typeof e.auth === 'string' && e.auth) {
        const text = Buffer.from(e.auth, 'base64').toString('utf8');
        const colon = text.indexOf(':');
        if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1) };
      }
      if (typeof e.username === 'string' && typeof e.password === 'string') return { username: e.username, password: e.password };
    }
    return undefined;
  };

  async function fetchToken(t: RegistryTransport, challenge: string, hosts: readonly string[], signal?: AbortSignal): Promise<string> {
    const c = parseBearerChallenge(challenge);
    if (!c) throw new AdapterError(SYSTEM, 'authenticate', `the registry asked for an authentication rewind does not speak (${challenge.split(' ')[0] ?? ''})`);
    const url = new URL(c.realm);
    if (c.service) url.searchParams.set('service', c.service);
    if (c.scope) url.searchParams.set('scope', c.scope);
    const creds = await credentialsFor(hosts);
    const headers: Record<string, string> = creds ? { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` } : {};
    const r = await t({ method: 'GET', url: url.toString(), headers, ...(signal ? { signal } : {}) });
    if (r.status === 401 || r.status === 403) {
      throw new AdapterError(SYSTEM, 'authenticate', `the token endpoint ${url.origin}${url.pathname} refused ${creds ? 'the credentials' : 'an anonymous request'} (HTTP ${r.status})`, {
        status: r.status,
        hint: creds ? `check the credentials for ${hosts[0] ?? ''} in ${dockerConfigPath()}` : `no credentials for ${hosts.join(' or ')} in ${dockerConfigPath()} (docker login, or dockerConfig in rewind.yaml)`,
      });
    }
    if (r.status !== 200) throw new AdapterError(SYSTEM, 'authenticate', `the token endpoint answered HTTP ${r.status}`, { status: r.status, transient: r.status >= 500 });
    const body = safeJson(r.text) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new AdapterError(SYSTEM, 'authenticate', 'the token endpoint answered without a token');
    return token;
  }

  return {
    async resolveDigest(image, opts = {}) {
      const ref = parseImageRef(image);
      if (!ref) throw new AdapterError(SYSTEM, 'resolve', `"${image}" is not an image reference`);
      if (ref.digest) return { digest: ref.digest, source: `pinned in the reference ${image}` };
      const tag = ref.tag ?? 'latest';
      const { url, caFile } = endpointOf(ref.registry);
      const t = await transportFor(url, caFile);
      const manifestUrl = `${url}/v2/${ref.path}/manifests/${encodeURIComponent(tag)}`;
      // NOTE: \`docker login\` files Docker Hub's credentials under its v1 index URL.
      const hosts = [ref.registry, new URL(url).host, ...(ref.registry === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io'] : [])];
      const scopeKey = `${url} ${ref.path}`;
      const call = (method: 'HEAD' | 'GET'): Promise<RegistryResponse> => {
        const token = tokens.get(scopeKey);
        return t({ method, url: manifestUrl, headers: { accept: MANIFEST_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(opts.signal ? { signal: opts.signal } : {}) });
      };
      let r = await call('HEAD');
      if (r.status === 401) {
        tokens.set(scopeKey, await fetchToken(t, r.headers['www-authenticate'] ?? '', hosts, opts.signal));
        r = await call('HEAD');
      }
      if (r.status === 404) throw new NotFoundError(`${image}: the registry has no manifest for tag ${tag} (${manifestUrl})`);
      if (r.status === 401 || r.status === 403) throw new AdapterError(SYSTEM, 'resolve', `${manifestUrl} refused the token (HTTP ${r.status})`, { status: r.status });
      if (r.status !== 200) throw new AdapterError(SYSTEM, 'resolve', `${manifestUrl} answered HTTP ${r.status}`, { status: r.status, transient: r.status >= 500 || r.status === 429 });
      const digest = r.headers['docker-content-digest'];
      // NOTE: the header is optional in the spec; without it, the digest is the hash of the body.
      if (digest && isDigest(digest)) return { digest, source: `registry HEAD ${manifestUrl}` };
      const body = await call('GET');
      if (body.status !== 200 || !body.digest) throw new AdapterError(SYSTEM, 'resolve', `${manifestUrl} gave no digest`);
      return { digest: body.digest, source: `registry GET ${manifestUrl} (sha256 of the manifest)` };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
