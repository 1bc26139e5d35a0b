/**
 * Does a flag cover the bad release? The seed: "Feature flag covers the change? Flip flag" — only
 * when flipping it neutralises everything the release changed. Two ways to be covered, judged
 * hunk by hunk so the plan can show the evidence:
 * - the hunk is in a declared flagd file and that file's only change turns declared flags on
 *   (the release "only turned a declared flag on");
 * - the hunk is confined to what a declared flag gates: a path glob, or a config key (every
 *   changed line names the key, or is the `value:` of an env entry whose `name:` is the key).
 * One uncovered hunk and the flag does not cover the release: flipping it would leave the rest.
 *
 * ### Examples
 * ```ts
 * flagCoverage(evidence, [{ key: 'catalog.new-search', provider: 'flagd', gates: [], flagd: { file: 'apps/catalog/us-east/flags.flagd.json', configMap: 'catalog-flags' } }]);
 * // { covered: true, how: 'turned-on', flags: ['catalog.new-search'], hunks: [{ path: '…/flags.flagd.json', header: '@@ -4 +4 @@', by: ['catalog.new-search'], why: 'turns catalog.new-search on' }] }
 * ```
 */
import { matchesGlob } from './glob.ts';
import type { DeclaredFlag, FlagEvidence, Hunk } from './types.ts';

export interface HunkVerdict {
  readonly path: string;
  readonly header: string;
  /** The flags that gate it; empty: not covered. */
  readonly by: readonly string[];
  readonly why: string;
}

export type Coverage =
  | { readonly covered: true; readonly how: 'turned-on' | 'gated'; readonly flags: readonly string[]; readonly hunks: readonly HunkVerdict[] }
  | { readonly covered: false; readonly reason: string; readonly hunks: readonly HunkVerdict[] };

export function flagCoverage(evidence: FlagEvidence, flags: readonly DeclaredFlag[]): Coverage {
  if (evidence.hunks.length === 0) return { covered: false, reason: `${evidence.range} changed nothing the app builds from, so no flag can be shown to cover it`, hunks: [] };
  const files = flagFiles(evidence, flags);
  const hunks = evidence.hunks.map((h) => judgeHunk(h, flags, files));
  const uncovered = hunks.filter((h) => h.by.length === 0);
  if (uncovered.length > 0) {
    const list = uncovered.slice(0, 3).map((h) => `${h.path} ${h.header} (${h.why})`).join('; ');
    const part = uncovered.length < hunks.length ? `a declared flag covers only part of the change: ` : '';
    return { covered: false, reason: `${part}${uncovered.length} of ${hunks.length} changed hunks of ${evidence.range} are gated by no declared flag: ${list}${uncovered.length > 3 ? '; …' : ''}`, hunks };
  }
  const by = [...new Set(hunks.flatMap((h) => h.by))];
  const how = hunks.every((h) => files.has(h.path)) ? 'turned-on' : 'gated';
  return { covered: true, how, flags: by, hunks };
}

/** Per declared flagd file: the flags the release turned on, or why the file's change is more than that. */
type FileJudgement = { readonly ok: true; readonly turnedOn: readonly string[] } | { readonly ok: false; readonly why: string };

function flagFiles(evidence: FlagEvidence, flags: readonly DeclaredFlag[]): Map<string, FileJudgement> {
  const out = new Map<string, FileJudgement>();
  const declared = new Set(flags.map((f) => f.key));
  for (const file of new Set(flags.flatMap((f) => (f.flagd ? [f.flagd.file.replace(/^\.?\/+/, '')] : [])))) {
    const other = evidence.otherChanges.filter((o) => o.file === file);
    if (other.length > 0) {
      out.set(file, { ok: false, why: `the flag file changes more than declared flags: ${other.map((o) => o.what).join(', ')}` });
      continue;
    }
    const changed = evidence.changes.filter((c) => c.file === file && c.definitionChanged);
    const notDeclared = changed.filter((c) => !declared.has(c.key));
    const notOn = changed.filter((c) => declared.has(c.key) && !(c.after?.on === true || c.after?.targeting === true));
    const wasOn = changed.filter((c) => c.before?.on === true);
    if (notDeclared.length > 0) out.set(file, { ok: false, why: `it changes flags rewind.yaml does not declare: ${notDeclared.map((c) => c.key).join(', ')}` });
    else if (notOn.length > 0) out.set(file, { ok: false, why: `it changes ${notOn.map((c) => c.key).join(', ')} without turning it on` });
    else if (wasOn.length > 0) out.set(file, { ok: false, why: `${wasOn.map((c) => c.key).join(', ')} was already on at last-known-good: turning it off would not restore that state` });
    else if (changed.length === 0) out.set(file, { ok: false, why: 'no flag definition changed (formatting only?)' });
    else out.set(file, { ok: true, turnedOn: changed.map((c) => c.key) });
  }
  return out;
}

function judgeHunk(h: Hunk, flags: readonly DeclaredFlag[], files: ReadonlyMap<string, FileJudgement>): HunkVerdict {
  const base = { path: h.path, header: h.header };
  const file = files.get(h.path);
  if (file) return file.ok ? { ...base, by: file.turnedOn, why: `turns ${file.turnedOn.join(', ')} on` } : { ...base, by: [], why: file.why };
  for (const f of flags) {
    const glob = f.gates.find((g) => !g.startsWith('key:') && matchesGlob(h.path, g));
    if (glob) return { ...base, by: [f.key], why: `${h.path} is gated by ${f.key} (${glob})` };
    const key = f.gates.find((g) => g.startsWith('key:') && confinedToKey(h, g.slice(4)));
    if (key) return { ...base, by: [f.key], why: `every changed line is ${key.slice(4)}, gated by ${f.key}` };
  }
  return { ...base, by: [], why: 'not gated by any declared flag' };
}

/**
 * Every changed line names `key`, or is the `value:`/`valueFrom:` line of an env entry whose
 * previous line (changed or context) names it: `- name: KEY` then `value: "on"`.
 */
export function confinedToKey(h: Hunk, key: string): boolean {
  const names = new RegExp(`(^|[^A-Za-z0-9_.-])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_.-])`);
  const changed = h.lines.map((l, i) => ({ l, i })).filter(({ l }) => l.op !== ' ' && l.text.trim() !== '');
  if (changed.length === 0) return false;
  return changed.every(({ l, i }) => {
    if (names.test(l.text)) return true;
    if (!/^\s*(value|valueFrom)\s*:/.test(l.text)) return false;
    // The entry's `name:` line in the same side of the diff (context lines are on both sides).
    for (let j = i - 1; j >= 0; j--) {
      const prev = h.lines[j]!;
      if (prev.op !== ' ' && prev.op !== l.op) continue;
      return names.test(prev.text);
    }
    return false;
  });
}
