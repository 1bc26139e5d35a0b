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

/** "90s", "5m", "1h30m", "90d", or a bare number of seconds. */
export function parseDuration(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const positive = `${flag} must be a positive duration such as 90s, 5m or 1h, not "${value}"`;
  if (/^-/.test(value)) throw new UsageError(positive);
  if (/^\d+$/.test(value)) {
    // NOTE: a zero timeout would start a run that "times out" at its first wait, after acting.
    if (Number(value) === 0) throw new UsageError(positive);
    return Number(value) * 1000;
  }
  // NOTE: ms before m, or "5ms" would read as 5m and a stray s.
  const re = /(\d+)(ms|d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'd' ? n * 86_400_000 : m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    consumed += m[0].length;
  }
  if (consumed !== value.length) throw new UsageError(`${flag} must be a duration such as 90s, 5m or 1h, not "${value}"`);
  if (total === 0) throw new UsageError(positive);
  return total;
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
