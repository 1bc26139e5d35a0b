/**
 * Step 4 of the seed runbook ("Communicate"), as data: which events of a run people hear about,
 * who hears (by severity), the words (the seed's template with the facts filled in), and the
 * journal's account of what went out. Pure: the adapters deliver, app/comms-service drives.
 */
import type { Plan } from './plan.ts';
import { metricsRecovered, runMoments, type JournalRecord, type NoticeRecord } from './run.ts';

/** What a run tells people, in the order a run can reach them. */
export type CommsEvent = 'started' | 'mitigated' | 'verified' | 'failed' | 'follow-up-done';
export const COMMS_EVENTS: readonly CommsEvent[] = ['started', 'mitigated', 'verified', 'failed', 'follow-up-done'];

export type Severity = 'P0' | 'P1' | 'P2';

/**
 * Who hears, by the seed's Step 4: P1 the status channel; P0 "above + tenant contact +
 * status-page entry". The seed says nothing of P2: it gets the status channel, the least the
 * runbook ever asks for.
 */
export type Audience = 'status-channel' | 'tenant-contact' | 'status-page';
export function audiencesFor(severity: Severity): readonly Audience[] {
  return severity === 'P0' ? ['status-channel', 'tenant-contact', 'status-page'] : ['status-channel'];
}

/** The facts a message is made of, all read from the plan and the journal (never invented). */
export interface NoticeFacts {
  readonly runId: string;
  readonly app: string;
  readonly severity: Severity;
  /** "Catalog": the workload, as people name the service. */
  readonly service: string;
  /** The cluster the workload runs in ("us-east"). */
  readonly region: string;
  /** Short hashes: the bad deploy and the target. */
  readonly badRevision: string | null;
  readonly goodRevision: string | null;
  /** When the rollback was applied (the mitigate phase's last outcome), ISO-8601. */
  readonly mitigatedAt?: string;
  /** True only when a metric step measured recovery; absent or false is never "recovered". */
  readonly metricsRecovered: boolean;
  /** The failed step's title and error, for `failed`. */
  readonly failure?: string;
  /** How it was resolved, as the runbook table says it: "rewind argocd-rollback (rollback to id 41)". */
  readonly resolvedBy: string;
  /** Step 2's finding ("changed: image-digest"), when the plan has one. */
  readonly change?: string;
  readonly mechanism: string | null;
}

export interface Notice {
  readonly event: CommsEvent;
  readonly facts: NoticeFacts;
  /** One sentence, the seed's template filled in. */
  readonly text: string;
  /** The run's state in a word, for the status line of a Slack thread's first message. */
  readonly status: string;
}

const hhmm = (iso: string | undefined) => (iso ? `${iso.slice(11, 16)} UTC` : 'an unknown time');
const short = (rev: string | null) => (rev ? rev.slice(0, 7) : 'an unknown revision');

/**
 * The seed's Step 4 sentence for an event: "Catalog regression detected after deploy d8f3c2a in
 * us-east; rolled back to a1b2c3d at HH:MM UTC; metrics recovered; investigating root cause."
 * "metrics recovered" is said only when a metric step measured it; otherwise the message says
 * what was and was not checked.
 *
 * ### Examples
 * ```ts
 * noticeText('verified', { service: 'Catalog', region: 'us-east', badRevision: 'd8f3c2a', goodRevision: 'a1b2c3d', mitigatedAt: '2026-05-20T14:31:00Z', metricsRecovered: true, ... });
 * // 'Catalog regression detected after deploy d8f3c2a in us-east; rolled back to a1b2c3d at 14:31 UTC; metrics recovered; investigating root cause.'
 * ```
 */
export function noticeText(event: CommsEvent, f: NoticeFacts): string {
  const head = `${f.service} regression detected after deploy ${short(f.badRevision)} in ${f.region}`;
  const rolledBack = `rolled back to ${short(f.goodRevision)} at ${hhmm(f.mitigatedAt)}`;
  switch (event) {
    case 'started':
      return `${head}; rolling back to ${short(f.goodRevision)}; updates follow.`;
    case 'mitigated':
      return `${head}; ${rolledBack}; verifying recovery.`;
    case 'verified':
      return f.metricsRecovered
        ? `${head}; ${rolledBack}; metrics recovered; investigating root cause.`
        : `${head}; ${rolledBack}; Pods run the good image, recovery metrics not checked; investigating root cause.`;
    case 'failed':
      return `${head}; the rollback to ${short(f.goodRevision)} did not complete (${f.failure ?? 'see the run'}); responders are on it.`;
    case 'follow-up-done':
      return `${head}; the revert of ${short(f.badRevision)} is on the branch and auto-sync is back on; resolved.`;
  }
}

const STATUS: Readonly<Record<CommsEvent, string>> = {
  started: 'rolling back',
  mitigated: 'rolled back, verifying',
  verified: 'recovered, follow-up open',
  failed: 'rollback failed',
  'follow-up-done': 'resolved',
};

export function makeNotice(event: CommsEvent, facts: NoticeFacts): Notice {
  return { event, facts, text: noticeText(event, facts), status: STATUS[event] };
}

/** "bookstore-catalog-us-east" deploys `catalog`: "Catalog". */
export function serviceName(plan: Plan): string {
  const w = plan.workload.name;
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/**
 * The event a journal record completes, if any: `started` when the run first runs, `mitigated`
 * and `verified` when the last step of that phase succeeded (or was already done), `failed` and
 * `follow-up-done` from the run's final status.
 */
export function eventOf(record: JournalRecord, plan: Plan): CommsEvent | undefined {
  if (record.type === 'run-status') {
    if (record.status === 'running') return 'started';
    // A refused run changed nothing, but people were told it started: they hear it stopped.
    if (record.status === 'failed' || record.status === 'refused') return 'failed';
    if (record.status === 'finished') return 'follow-up-done';
    return undefined;
  }
  if (record.type !== 'outcome' || (record.status !== 'succeeded' && record.status !== 'skipped')) return undefined;
  const lastOf = (phase: 'mitigate' | 'verify') => plan.steps.map((s) => s.phase).lastIndexOf(phase);
  if (record.step === lastOf('mitigate')) return 'mitigated';
  if (record.step === lastOf('verify')) return 'verified';
  return undefined;
}

/** The facts of a run so far, from its plan and journal. */
export function noticeFacts(plan: Plan, severity: Severity, runId: string, records: readonly JournalRecord[]): NoticeFacts {
  const { mitigated } = runMoments(plan, records);
  const failed = [...records].reverse().find((r) => r.type === 'outcome' && r.status === 'failed');
  const change = plan.preflight.find((p) => p.id === 'diagnosis')?.detail;
  const failure = failed?.type === 'outcome' ? `${plan.steps[failed.step]?.title ?? failed.kind}: ${failed.error ?? 'failed'}` : undefined;
  return {
    runId,
    app: plan.app,
    severity,
    service: serviceName(plan),
    region: plan.workload.cluster,
    badRevision: plan.from.revision,
    goodRevision: plan.to?.revision ?? null,
    ...(mitigated ? { mitigatedAt: mitigated.at } : {}),
    metricsRecovered: metricsRecovered(records),
    ...(failure ? { failure } : {}),
    resolvedBy: `rewind ${plan.mechanism ?? 'run'}${plan.to ? ` (rollback to id ${plan.to.historyId})` : ''}`,
    ...(change ? { change } : {}),
    mechanism: plan.mechanism,
  };
}

/** The newest state of every (target, event) the journal tried to deliver. */
export function deliveries(records: readonly JournalRecord[]): readonly NoticeRecord[] {
  const last = new Map<string, NoticeRecord>();
  for (const r of records) if (r.type === 'notice') last.set(`${r.target}\u0000${r.event}`, r);
  return [...last.values()];
}

/**
 * What did not go out: a delivery that failed after its retries, or whose intent has no outcome
 * (the process died while sending; a resume sends it again).
 */
export function undelivered(records: readonly JournalRecord[]): readonly NoticeRecord[] {
  return deliveries(records).filter((r) => r.state === 'failed' || r.state === 'intent');
}

/**
 * Why a delivery failed (thrown by `Notifier.deliver`), so the sender knows whether to try again: `retryable` for timeouts,
 * connection errors, 5xx and 429 (with the receiver's `Retry-After`, in ms, when it said).
 * The message names the receiver and status only: never its URL or token.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryable: boolean; retryAfterMs?: number }) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

