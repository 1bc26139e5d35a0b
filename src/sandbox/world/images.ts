/**
 * The images of the Bookstore world: every version CI ever built, as OCI image manifests whose
 * digest is the sha256 of the manifest bytes (as a registry computes `Docker-Content-Digest`),
 * and how each behaves when a kubelet runs it. Builds are deterministic, so digests are the same
 * in every sandbox run.
 *
 * Behaviours: `healthy`; `slow` (starts and serves, but regresses: the seed's incident);
 * `crash-loop` (exits at start); `readiness-fail` (runs, never Ready); `pull-failure` (CI built it
 * but never pushed it, so the registry answers MANIFEST_UNKNOWN and the kubelet cannot pull).
 *
 * ### Examples
 * ```ts
 * imageByDigest(digestOf('catalog', '1.5.0'))?.behaviour; // 'slow'
 * badBuild('catalog', 'crash-loop').version;               // '1.5.1'
 * ```
 */
import { createHash } from 'node:crypto';
import { isService, type Service } from './bookstore.ts';

export type ImageBehaviour = 'healthy' | 'slow' | 'crash-loop' | 'readiness-fail' | 'pull-failure';
export type ImageQuality = 'good' | 'bad';

/** The registry host every world image names; rewind.yaml maps it to the sandbox's registry. */
export const REGISTRY_HOST = 'ghcr.io';
export const ORG = 'acme';

/** Containers every service Pod carries beside its own: unchanged between the service's revisions. */
export const SIDECAR = { name: 'log-shipper', repo: 'log-shipper', version: '0.9.4' } as const;
export const INIT = { name: 'wait-for-db', repo: 'wait-for-db', version: '1.1.0' } as const;

export interface ImageBuild {
  /** Short repository name: a service, or a sidecar's. */
  readonly repo: string;
  readonly service?: Service;
  readonly version: string;
  /** Builds of one version: 1, then 2 when CI pushes a rebuild under the same tag. */
  readonly build: number;
  /** `sha256:<64 hex>` of the manifest bytes. */
  readonly digest: string;
  /** `ghcr.io/acme/<repo>@sha256:…`, as a digest-pinned Deployment names it. */
  readonly image: string;
  readonly quality: ImageQuality;
  readonly behaviour: ImageBehaviour;
  /** What goes wrong when it runs, for the scenarios that simulate it. */
  readonly regression?: string;
  /** False for an image CI built but never pushed. */
  readonly pushed: boolean;
}

export function repositoryOf(repo: string): string {
  return `${REGISTRY_HOST}/${ORG}/${repo}`;
}

const sha256 = (b: string | Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The image config blob: what `docker inspect` shows, and the source of Docker's config id. */
function configBlob(repo: string, version: string, build = 1): string {
  return JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'org.opencontainers.image.source': `https://github.com/${ORG}/${repo}`, 'org.opencontainers.image.version': version, 'build': String(build) } },
    rootfs: { type: 'layers', diff_ids: [sha256(`layer ${repo} ${version} ${build}`)] },
  });
}

/** The OCI image manifest (`application/vnd.oci.image.manifest.v1+json`), byte for byte. */
export function manifestBytes(repo: string, version: string, build = 1): string {
  const config = configBlob(repo, version, build);
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(`layer ${repo} ${version} ${build}`), size: 28_000_000 + (version.length * 7919 + build) }],
  });
}

const digests = new Map<string, string>();
export function digestOf(repo: string, version: string, build = 1): string {
  const key = `${repo}:${version}:${build}`;
  let d = digests.get(key);
  if (!d) {
    d = sha256(manifestBytes(repo, version, build));
    digests.set(key, d);
  }
  return d;
}

const GOOD: Readonly<Record<Service, readonly string[]>> = {
  catalog: ['1.2.0', '1.2.1', '1.2.2', '1.3.0', '1.3.1', '1.3.2', '1.4.0', '1.4.1', '1.4.2'],
  orders: ['2.6.3', '2.7.0', '2.7.1', '2.8.0'],
  payments: ['3.1.2', '3.1.4', '3.2.0'],
};

type BadBehaviour = Exclude<ImageBehaviour, 'healthy'>;

/** What `sandbox break` ships, by how it fails: a new version that regresses. */
export const BAD_VERSIONS: Readonly<Record<Service, Readonly<Record<BadBehaviour, { version: string; regression: string }>>>> = {
  catalog: {
    slow: { version: '1.5.0', regression: 'cold-start CPU spike: p99 latency above 1 s' },
    'crash-loop': { version: '1.5.1', regression: 'panics at start: nil search index config' },
    'readiness-fail': { version: '1.5.3', regression: '/healthz waits for a cache warm-up that never ends' },
    'pull-failure': { version: '1.5.2', regression: 'CI pushed the manifest to the staging registry only' },
  },
  orders: {
    slow: { version: '2.9.0', regression: 'connection pool exhaustion: 5xx rate above 5%' },
    'crash-loop': { version: '2.9.1', regression: 'exits 1: DB_POOL_SIZE parsed as a duration' },
    'readiness-fail': { version: '2.9.3', regression: 'readiness probe on a port it no longer listens on' },
    'pull-failure': { version: '2.9.2', regression: 'CI pushed the manifest to the staging registry only' },
  },
  payments: {
    slow: { version: '3.3.0', regression: 'retry storm against the card processor: error rate above 2%' },
    'crash-loop': { version: '3.3.1', regression: 'exits 1: missing PROCESSOR_KEY' },
    'readiness-fail': { version: '3.3.3', regression: 'readiness waits on a processor handshake that fails' },
    'pull-failure': { version: '3.3.2', regression: 'CI pushed the manifest to the staging registry only' },
  },
};

function build(repo: string, version: string, quality: ImageQuality, behaviour: ImageBehaviour, extra: { service?: Service; regression?: string; build?: number } = {}): ImageBuild {
  const n = extra.build ?? 1;
  const digest = digestOf(repo, version, n);
  return {
    repo,
    ...(extra.service ? { service: extra.service } : {}),
    version,
    build: n,
    digest,
    image: `${repositoryOf(repo)}@${digest}`,
    quality,
    behaviour,
    ...(extra.regression ? { regression: extra.regression } : {}),
    pushed: behaviour !== 'pull-failure',
  };
}

export const IMAGE_REGISTRY: readonly ImageBuild[] = [
  ...(Object.keys(GOOD) as Service[]).flatMap((service) => [
    ...GOOD[service].map((v) => build(service, v, 'good', 'healthy', { service })),
    ...(Object.entries(BAD_VERSIONS[service]) as [BadBehaviour, { version: string; regression: string }][]).map(([behaviour, b]) =>
      build(service, b.version, 'bad', behaviour, { service, regression: b.regression }),
    ),
  ]),
  build(SIDECAR.repo, SIDECAR.version, 'good', 'healthy'),
  build(INIT.repo, INIT.version, 'good', 'healthy'),
  // bookstore-search: deployed with kubectl by its team, no Argo CD (see world/unmanaged.ts).
  build('search', '0.7.0', 'good', 'healthy'),
  build('search', '0.7.1', 'good', 'healthy'),
  build('search', '0.8.0', 'bad', 'crash-loop', { regression: 'panics at start: the new index format needs a reindex' }),
  // The search indexer's Rollout (world/unmanaged-rollout.ts): a release that runs, gets Ready, and is bad.
  build('search', '0.8.1', 'bad', 'slow', { regression: 'index merges block queries: searches time out' }),
];

export function imageByDigest(digest: string): ImageBuild | undefined {
  const d = digest.includes('@') ? digest.slice(digest.indexOf('@') + 1) : digest;
  return IMAGE_REGISTRY.find((b) => b.digest === d);
}

export function badBuild(service: Service, behaviour: BadBehaviour = 'slow'): ImageBuild {
  const version = BAD_VERSIONS[service][behaviour].version;
  return IMAGE_REGISTRY.find((b) => b.service === service && b.version === version)!;
}

/** A rebuild of `version` under the same tag (CI re-ran the pipeline): same version, another digest. */
export function rebuild(repo: string, version: string, n: number, behaviour: ImageBehaviour = 'healthy'): ImageBuild {
  return build(repo, version, behaviour === 'healthy' ? 'good' : 'bad', behaviour, { build: n, ...(isService(repo) ? { service: repo } : {}) });
}
