/**
 * One Pod's synthetic traffic, as prom-client metrics: `http_request_duration_seconds`
 * (histogram) and `http_requests_total{code}` (counter), each with `service`, `namespace`
 * and `pod` labels. Requests are not simulated one by one on timers: the metrics are
 * advanced lazily to the sandbox time of each scrape. After n requests, every latency class
 * and every response code has exactly floor(n × its cumulative share) requests, so the
 * counters are smooth functions of sandbox time and two scrapers reading them a moment apart
 * (the sandbox's and a real Prometheus) see the same rates.
 */
import { Counter, Registry } from 'prom-client';
import type { TrafficProfile } from './profiles.ts';
import { TallyHistogram } from './tally-histogram.ts';

/** Around the seed's thresholds (0.5 s p99): interpolation inside (0.25, 0.5] and (0.5, 1] stays meaningful. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Distinct latencies per band: enough to spread observations inside a bucket. */
const POINTS_PER_BAND = 8;

export interface PodIdentity {
  readonly service: string;
  readonly namespace: string;
  readonly pod: string;
}

interface Share {
  readonly value: number;
  /** Cumulative share up to and including this class. */
  readonly upTo: number;
}

function cumulative(items: readonly { value: number; share: number }[]): Share[] {
  let acc = 0;
  return items.map((i) => ({ value: i.value, upTo: (acc += i.share) }));
}

const PHI = (Math.sqrt(5) - 1) / 2;
const SQRT2 = Math.SQRT2 - 1;

/** The class of request k: where frac(k·step + seed) falls among the cumulative shares. */
function classOf(shares: readonly Share[], k: number, step: number, seed: number): number {
  const u = (k * step + seed) % 1;
  for (let i = 0; i < shares.length - 1; i++) if (u < shares[i]!.upTo) return i;
  return shares.length - 1;
}

export class PodTraffic {
  readonly registry = new Registry();
  #profile: TrafficProfile;
  #startMs: number;
  #latency: Share[] = [];
  #codes: Share[] = [];
  #codeNames: string[] = [];
  readonly #histogram: TallyHistogram;
  /** The histogram bucket of each latency class, looked up once per profile. */
  #bucketOfClass: number[] = [];
  readonly #requests: Counter<string>;
  readonly #labels: PodIdentity;
  /** Per Pod, so Pods of one service do not answer in lockstep. */
  readonly #seed: number;
  #served = 0;

  constructor(id: PodIdentity, profile: TrafficProfile, startMs: number) {
    this.#profile = profile;
    this.#startMs = startMs;
    this.#labels = id;
    this.#seed = [...id.pod].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_003, 7) / 1_000_003;
    this.#histogram = new TallyHistogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests in seconds.',
      buckets: LATENCY_BUCKETS,
      labels: { service: id.service, namespace: id.namespace, pod: id.pod },
      registry: this.registry,
    });
    this.#useProfile(profile);
    this.#requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by response code.',
      labelNames: ['service', 'namespace', 'pod', 'code'],
      registers: [this.registry],
    });
    // Every code the profile can answer exists from the start, so a ratio has a denominator at 0 too.
    for (const code of this.#codeNames) this.#requests.inc({ ...id, code }, 0);
  }

  #useProfile(profile: TrafficProfile): void {
    const bands = profile.latency.flatMap((b) =>
      Array.from({ length: POINTS_PER_BAND }, (_, j) => ({ value: b.min + ((b.max - b.min) * (j + 0.5)) / POINTS_PER_BAND, share: b.share / POINTS_PER_BAND })),
    );
    this.#latency = cumulative(bands);
    this.#bucketOfClass = this.#latency.map((c) => this.#histogram.bucketOf(c.value));
    const errorShare = profile.codes.reduce((a, c) => a + c.share, 0);
    const codes = [...profile.codes.map((c) => ({ value: 0, share: c.share })), { value: 0, share: 1 - errorShare }];
    this.#codes = cumulative(codes);
    this.#codeNames = [...profile.codes.map((c) => c.code), '200'];
  }

  get profile(): TrafficProfile {
    return this.#profile;
  }

  /**
   * The same process starts behaving differently at `atMs` (a feature flag it re-read): what it
   * served so far stays counted under the old profile, the rest follows the new one.
   */
  switchProfile(profile: TrafficProfile, atMs: number): void {
    if (profile === this.#profile) return;
    this.advanceTo(atMs);
    // Requests are counted from the switch on at the new rate; the counters carry on.
    this.#startMs = atMs - (this.#served / profile.rps) * 1000;
    this.#profile = profile;
    this.#useProfile(profile);
    for (const code of this.#codeNames) this.#requests.inc({ ...this.#labels, code }, 0);
  }

  /** Requests served by `atMs` (sandbox time). */
  requestsAt(atMs: number): number {
    return Math.max(0, Math.floor(((atMs - this.#startMs) / 1000) * this.#profile.rps));
  }

  /** Brings the metrics up to sandbox time `atMs`; time never runs backwards for a Pod. */
  advanceTo(atMs: number): void {
    const n = this.requestsAt(atMs);
    if (n <= this.#served) return;
    const codes = new Array<number>(this.#codes.length).fill(0);
    for (let k = this.#served; k < n; k++) {
      const cls = classOf(this.#latency, k, PHI, this.#seed);
      this.#histogram.observeAt(this.#bucketOfClass[cls]!, this.#latency[cls]!.value);
      codes[classOf(this.#codes, k, SQRT2, this.#seed)]!++;
    }
    codes.forEach((delta, i) => {
      if (delta > 0) this.#requests.inc({ ...this.#labels, code: this.#codeNames[i]! }, delta);
    });
    this.#served = n;
  }

  async exposition(atMs: number): Promise<string> {
    this.advanceTo(atMs);
    return this.registry.metrics();
  }
}
