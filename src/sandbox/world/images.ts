/**
 * The image registry of the Bookstore world: every version CI ever built, its digest, and
 * whether it is good or regresses. Digests are derived from the version, so they are the
 * same in every sandbox run; later scenarios make latency and errors depend on `quality`.
 *
 * ### Examples
 * ```ts
 * imageByDigest(digestOf('catalog', '1.5.0'))?.quality; // 'bad'
 * ```
 */
import { createHash } from 'node:crypto';
import type { Service } from './bookstore.ts';

export type ImageQuality = 'good' | 'bad';

export interface ImageBuild {
  readonly service: Service;
  readonly version: string;
  /** `sha256:<64 hex>` */
  readonly digest: string;
  /** `ghcr.io/acme/<svc>@sha256:…`, as the rendered Deployment pins it. */
  readonly image: string;
  readonly quality: ImageQuality;
  /** What goes wrong when it runs, for the scenarios that simulate it. */
  readonly regression?: string;
}

export function repositoryOf(service: Service): string {
  return `ghcr.io/acme/${service}`;
}

export function digestOf(service: Service, version: string): string {
  return `sha256:${createHash('sha256').update(`acme/${service}:${version}`).digest('hex')}`;
}

const GOOD: Readonly<Record<Service, readonly string[]>> = {
  catalog: ['1.2.0', '1.2.1', '1.2.2', '1.3.0', '1.3.1', '1.3.2', '1.4.0', '1.4.1', '1.4.2'],
  orders: ['2.6.3', '2.7.0', '2.7.1', '2.8.0'],
  payments: ['3.1.2', '3.1.4', '3.2.0'],
};

/** What `sandbox break` ships: a new image digest that regresses. */
export const BAD_VERSIONS: Readonly<Record<Service, { version: string; regression: string }>> = {
  catalog: { version: '1.5.0', regression: 'cold-start CPU spike: p99 latency above 1 s' },
  orders: { version: '2.9.0', regression: 'connection pool exhaustion: 5xx rate above 5%' },
  payments: { version: '3.3.0', regression: 'retry storm against the card processor: error rate above 2%' },
};

function build(service: Service, version: string, quality: ImageQuality, regression?: string): ImageBuild {
  const digest = digestOf(service, version);
  return { service, version, digest, image: `${repositoryOf(service)}@${digest}`, quality, ...(regression ? { regression } : {}) };
}

export const IMAGE_REGISTRY: readonly ImageBuild[] = (Object.keys(GOOD) as Service[]).flatMap((service) => [
  ...GOOD[service].map((v) => build(service, v, 'good')),
  build(service, BAD_VERSIONS[service].version, 'bad', BAD_VERSIONS[service].regression),
]);

export function imageByDigest(digest: string): ImageBuild | undefined {
  const d = digest.includes('@') ? digest.slice(digest.indexOf('@') + 1) : digest;
  return IMAGE_REGISTRY.find((b) => b.digest === d);
}

export function badBuild(service: Service): ImageBuild {
  return IMAGE_REGISTRY.find((b) => b.service === service && b.quality === 'bad')!;
}
