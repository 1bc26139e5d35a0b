import { parseDuration as parsePromDuration } from '../../core/duration.ts';
import { UsageError } from '../../core/errors.ts';

export function parseHistoryId(value: string | undefined, flag = '--to'): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be an Argo CD history id (a whole number), not "${value}"`);
  return Number(value);
}

export function parseTime(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} must be an ISO-8601 time such as 2026-05-20T14:30:00Z, not "${value}"`);
  return new Date(t).toISOString();
}

/** "90s", "5m", "1h30m", "7d" (core's Prometheus durations), or a bare number of seconds. */
export function parseDuration(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const positive = `${flag} must be a positive duration such as 90s, 5m or 1h, not "${value}"`;
  if (value.startsWith('-')) throw new UsageError(positive);
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : parsePromDuration(value);
  if (ms === undefined) throw new UsageError(`${flag} must be a duration such as 90s, 5m or 1h, not "${value}"`);
  // NOTE: a zero timeout would start a run that "times out" at its first wait, after acting.
  if (ms === 0) throw new UsageError(positive);
  return ms;
}

export function requireOneApp(args: readonly string[], usage: string): string {
  const [app, ...extra] = args;
  if (!app) throw new UsageError(`missing APP`, { hint: `usage: rewind ${usage}` });
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, { hint: `usage: rewind ${usage}` });
  return app;
}

/** The mechanisms `--mechanism` names (with the short names people type). */
const MECHANISM_NAMES: Readonly<Record<string, string>> = { undo: 'rollout-undo', 'rollout-undo': 'rollout-undo', argocd: 'argocd-rollback', 'argocd-rollback': 'argocd-rollback' };

export function parseMechanism(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const name = MECHANISM_NAMES[text];
  if (name === undefined) throw new UsageError(`--mechanism ${text} is not a mechanism rewind can run`, { hint: 'use argocd-rollback or rollout-undo (undo)' });
  return name;
}
