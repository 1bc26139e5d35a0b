import type { Preflight } from './types.ts';
import { result } from './types.ts';

/**
 * The decision tree's first branch: a flag that covers every kind of change the window made is
 * faster (<60 s vs ~2 min) and has a smaller blast radius than a rollback. rewind cannot flip
 * flags yet, so it says so and leaves the rollback as the fallback.
 */
export const featureFlagCheck: Preflight = ({ facts }) => {
  const flags = facts.app.flags;
  const d = facts.diagnosis?.value;
  if (flags.length === 0 || d === undefined || d.kinds.length === 0) return null;
  const title = 'Feature-flag coverage';
  const covering = flags.filter((f) => d.kinds.every((k) => f.covers.includes(k)));
  const source = 'rewind.yaml apps[].flags';
  if (covering.length === 0) {
    return result({ id: 'feature-flag', title, status: 'info', detail: `no configured flag covers ${d.kinds.join(', ')}`, evidence: flags.map((f) => ({ claim: `${f.name} covers ${f.covers.join(', ') || 'nothing'}`, source })) });
  }
  const names = covering.map((f) => f.name).join(' or ');
  const detail = `flag ${names} covers this change (${d.kinds.join(', ')}): flip it first, faster (<60 s vs ~2 min) and lower blast radius; rewind cannot flip flags yet, so flip it by hand and roll back only if that does not help`;
  return result({ id: 'feature-flag', title, status: 'warn', detail, evidence: covering.map((f) => ({ claim: `${f.name} covers ${f.covers.join(', ')}`, source })) }, [detail]);
};
