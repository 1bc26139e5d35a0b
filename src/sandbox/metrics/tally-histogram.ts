/**
 * A histogram for one fixed label set that takes its observations as plain counters, for
 * prom-client's Registry to expose. PodTraffic advances thousands of synthetic requests per
 * scrape at a high --speed; prom-client's `observe` re-validates and re-hashes the labels on
 * every call, which was most of an idle sandbox's CPU at --speed 20. The exposition is the
 * same data prom-client's Histogram hands its Registry (prom-client lib/histogram.js,
 * `getForPromString`: cumulative `_bucket{le}`, `+Inf`, `_sum`, `_count`, the series' labels as
 * shared labels), so the text is identical; pod-traffic.test.ts compares the two.
 */
import type { Registry } from 'prom-client';

interface ExportedValue {
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Record<string, string>;
  readonly value: number;
  readonly metricName: string;
}

export class TallyHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(o: { name: string; help: string; buckets: readonly number[]; labels: Record<string, string>; registry: Registry }) {
    this.name = o.name;
    this.help = o.help;
    this.#bounds = o.buckets;
    this.#labels = o.labels;
    this.#counts = new Array<number>(o.buckets.length + 1).fill(0);
    // Registry.metrics() (the text the exporters serve) reads name, help, type and getForPromString().
    o.registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The bucket index `value` falls in (le semantics: value <= bound), for `observeAt`. */
  bucketOf(value: number): number {
    const i = this.#bounds.findIndex((b) => value <= b);
    return i === -1 ? this.#bounds.length : i;
  }

  /** One observation of `value`, whose bucket the caller looked up once with `bucketOf`. */
  observeAt(bucket: number, value: number): void {
    this.#counts[bucket]!++;
    // Summed one by one in observation order, as prom-client does, so `_sum` is the same float.
    this.#sum += value;
    this.#count++;
  }

  getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    let acc = 0;
    const shared = this.#labels;
    const values: ExportedValue[] = this.#bounds.map((le, i) => ({ labels: { le }, sharedLabels: shared, value: (acc += this.#counts[i]!), metricName: `${this.name}_bucket` }));
    values.push(
      { labels: { le: '+Inf' }, sharedLabels: shared, value: this.#count, metricName: `${this.name}_bucket` },
      { labels: {}, sharedLabels: shared, value: this.#sum, metricName: `${this.name}_sum` },
      { labels: {}, sharedLabels: shared, value: this.#count, metricName: `${this.name}_count` },
    );
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }
}
