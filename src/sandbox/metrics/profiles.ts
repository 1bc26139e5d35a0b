/**
 * How a Pod's synthetic traffic behaves, derived from the image it runs: the world's image
 * registry (world/images.ts, read only) says good or bad, and this table says what "bad"
 * looks like for each service — the three regressions the seed's alerts catch. An image the
 * registry does not know runs the service's good profile (it serves; it is not a regression
 * this table can name).
 */
import { imageByDigest } from '../world/images.ts';
import type { Service } from '../world/bookstore.ts';

/** One slice of the latency distribution: `share` of requests take [min, max) seconds. */
export interface LatencyBand {
  readonly share: number;
  readonly min: number;
  readonly max: number;
}

/** A response code and the share of requests that get it; the rest answer 200. */
export interface CodeShare {
  readonly code: string;
  readonly share: number;
}

export interface TrafficProfile {
  /** Requests per second of sandbox time, per Pod. */
  readonly rps: number;
  /** Shares add up to 1, fastest band first. */
  readonly latency: readonly LatencyBand[];
  readonly codes: readonly CodeShare[];
}

/** Per Pod: enough requests that a 1% error ratio over a 1m window is hundreds of requests, not a handful. */
const RPS = 100;

const FAST: readonly LatencyBand[] = [
  { share: 0.9, min: 0.012, max: 0.08 },
  { share: 0.095, min: 0.08, max: 0.2 },
  { share: 0.005, min: 0.2, max: 0.24 },
];

const GOOD: TrafficProfile = { rps: RPS, latency: FAST, codes: [{ code: '500', share: 0.001 }] };

/** The regressions of world/images.ts BAD_VERSIONS, as numbers the seed's alerts see. */
const BAD: Readonly<Record<Service, TrafficProfile>> = {
  // cold-start CPU spike: p99 above 1 s (alert: p99 > 0.5 s).
  catalog: {
    rps: RPS,
    latency: [
      { share: 0.85, min: 0.05, max: 0.2 },
      { share: 0.12, min: 0.2, max: 0.45 },
      { share: 0.03, min: 1.1, max: 2 },
    ],
    codes: [{ code: '500', share: 0.001 }],
  },
  // connection pool exhaustion: 5xx above 5% (alert: 5xx ratio > 1%).
  orders: { rps: RPS, latency: FAST, codes: [{ code: '500', share: 0.04 }, { code: '503', share: 0.02 }] },
  // retry storm against the card processor: errors above 2% (alert: non-2xx ratio > 1%).
  payments: { rps: RPS, latency: FAST, codes: [{ code: '429', share: 0.02 }, { code: '502', share: 0.01 }] },
};

/** The service's regression profile, for a good build made slow by something else (a feature flag it evaluates). */
export function badProfile(service: Service): TrafficProfile {
  return BAD[service];
}

/** How the world says an image behaves now (world-images.ts `behaviourOf`: a broken dependency can make a good build regress). */
export type BehaviourOf = (digest: string) => string | undefined;

/**
 * The profile for a Pod of `service` running `image` (a reference with a digest, or a bare
 * digest): a bad build regresses, and so does any build the world now says is `slow`.
 */
export function profileFor(service: Service, image: string, behaviourOf?: BehaviourOf): TrafficProfile {
  const build = imageByDigest(image);
  const digest = /sha256:[0-9a-f]{64}/.exec(image)?.[0];
  if (digest !== undefined && behaviourOf?.(digest) === 'slow') return BAD[service];
  return build && build.service === service && build.quality === 'bad' ? BAD[service] : GOOD;
}
