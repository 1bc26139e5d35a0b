/**
 * The seed's three alerts (runbook "Alert / trigger"), evaluated as Prometheus' rule manager
 * does (rules/alerting.go AlertingRule.Eval, v2.42.0): every result sample is an alert keyed
 * by its labels (minus `__name__`, plus the rule's labels and `alertname`); a new one is
 * `pending` with `activeAt` = the evaluation time, `firing` once `for` has passed; a pending
 * alert that drops out is forgotten, a firing one resolves. The same definitions are written
 * to rules.yml for a real Prometheus. Windows are 1m so an alert follows a deploy within
 * minutes; the seed's own check query keeps its [5m].
 */
import type { Labels } from './exposition.ts';
import { evaluate } from './promql/eval.ts';
import { parsePromQL } from './promql/parse.ts';
import type { Expr } from './promql/ast.ts';
import type { Tsdb } from './tsdb.ts';
import { labelsKey } from './tsdb.ts';

export interface AlertRuleDef {
  readonly alert: string;
  /** As Prometheus prints the parsed expression, so the rules APIs agree on `query`. */
  readonly expr: string;
  readonly forSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const ratio = (service: string, errors: string): string =>
  `sum by (cluster) (rate(http_requests_total{${errors},service="${service}"}[1m])) / sum by (cluster) (rate(http_requests_total{service="${service}"}[1m])) > 0.01`;

export const SEED_ALERTS: readonly AlertRuleDef[] = [
  {
    alert: 'BookstoreCatalogP99Latency',
    expr: 'histogram_quantile(0.99, sum by (cluster, le) (rate(http_request_duration_seconds_bucket{service="catalog"}[1m]))) > 0.5',
    forSeconds: 60,
    labels: { severity: 'page', service: 'catalog' },
    annotations: { summary: 'Catalog p99 latency is above 0.5 s.', runbook: 'code-rollback-argocd.md' },
  },
  {
    alert: 'BookstorePaymentsErrorRate',
    expr: ratio('payments', 'code!~"2.."'),
    forSeconds: 60,
    labels: { severity: 'page', service: 'payments' },
    annotations: { summary: 'Payments error ratio is above 1%.', runbook: 'code-rollback-argocd.md' },
  },
  {
    alert: 'BookstoreOrders5xxRate',
    expr: ratio('orders', 'code=~"5.."'),
    forSeconds: 60,
    labels: { severity: 'page', service: 'orders' },
    annotations: { summary: 'Orders 5xx ratio is above 1%.', runbook: 'code-rollback-argocd.md' },
  },
];

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface ActiveAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  state: AlertState;
  readonly activeAtMs: number;
  value: number;
  resolvedAtMs?: number;
}

/** Resolved alerts linger this long (rules/alerting.go resolvedRetention) but are not reported as active. */
const RESOLVED_RETENTION_MS = 15 * 60_000;

export class AlertingRule {
  readonly def: AlertRuleDef;
  readonly #expr: Expr;
  readonly #active = new Map<string, ActiveAlert>();
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError: string | undefined;
  lastEvaluationMs: number | undefined;
  evaluationSeconds = 0;

  constructor(def: AlertRuleDef) {
    this.def = def;
    this.#expr = parsePromQL(def.expr);
  }

  eval(db: Tsdb, tMs: number): void {
    const started = performance.now();
    this.lastEvaluationMs = tMs;
    let samples;
    try {
      const v = evaluate(this.#expr, tMs, { db });
      samples = v.type === 'vector' ? v.samples : [];
      this.health = 'ok';
      this.lastError = undefined;
    } catch (e) {
      this.health = 'err';
      this.lastError = (e as Error).message;
      return;
    } finally {
      this.evaluationSeconds = (performance.now() - started) / 1000;
    }
    const seen = new Set<string>();
    for (const s of samples) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.labels)) if (k !== '__name__') labels[k] = v;
      Object.assign(labels, this.def.labels, { alertname: this.def.alert });
      const key = labelsKey(labels);
      seen.add(key);
      const existing = this.#active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = s.v;
        continue;
      }
      this.#active.set(key, { labels, annotations: this.def.annotations, state: 'pending', activeAtMs: tMs, value: s.v });
    }
    for (const [key, a] of this.#active) {
      if (!seen.has(key)) {
        if (a.state === 'pending' || (a.resolvedAtMs !== undefined && tMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) this.#active.delete(key);
        if (a.state !== 'inactive') {
          a.state = 'inactive';
          a.resolvedAtMs = tMs;
        }
        continue;
      }
      if (a.state === 'pending' && tMs - a.activeAtMs >= this.def.forSeconds * 1000) a.state = 'firing';
    }
  }

  /** Pending and firing alerts. */
  activeAlerts(): ActiveAlert[] {
    return [...this.#active.values()].filter((a) => a.state !== 'inactive');
  }

  /** The rule's state: its most severe alert's. */
  state(): AlertState {
    const states = this.activeAlerts().map((a) => a.state);
    return states.includes('firing') ? 'firing' : states.includes('pending') ? 'pending' : 'inactive';
  }
}
