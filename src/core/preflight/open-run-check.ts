import { age, describeHold } from '../hold.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/**
 * Before anything else: is the app already in a run's hands? A hold on the Application (any
 * host's run) or an open run in this journal means a new rollback would plan against what that
 * run changed — last-known-good would move one entry older, and the "saved" policy would be the
 * one that run turned off. Refuse, naming the run and what to do.
 */
export const openRunCheck: Preflight = ({ facts }) => {
  const title = 'Open runs and holds';
  const app = facts.application;
  const hold = app.value.hold;
  const runs = facts.openRuns?.value ?? [];
  const refusals: string[] = [];
  if (hold) refusals.push(`${facts.app.name}: ${describeHold(hold, facts.now)}`);
  // A sibling's run keeps its hold on the ApplicationSet both apps come from (and may hold the set itself).
  const ownerHold = app.value.owner?.hold;
  const sibling = ownerHold && ownerHold !== hold && !(ownerHold.ok && ownerHold.hold.app === facts.app.name) ? ownerHold : undefined;
  if (sibling) refusals.push(`${app.value.owner?.kind ?? 'owner'} ${app.value.owner?.name ?? ''} carries the hold of ${sibling.ok ? `sibling app ${sibling.hold.app}` : 'a run'}: ${describeHold(sibling, facts.now)}`);
  const heldBy = hold?.ok ? hold.hold.runId : undefined;
  for (const r of runs.filter((x) => x.runId !== heldBy)) {
    const next = r.status === 'awaiting-revert' ? `rewind finish ${facts.app.name}` : `rewind resume ${r.runId}`;
    refusals.push(`run ${r.runId} of ${facts.app.name} is still open (${r.status}, started ${age(r.startedAt, facts.now)} ago). Next: ${next}, or end it: rewind abandon ${r.runId} --reason TEXT --restore|--leave`);
  }
  const mine = runs.find((r) => r.runId === heldBy);
  if (mine) refusals[0] = `${refusals[0] ?? ''} (this journal has the run: ${mine.status})`;
  const evidence = [
    ...(hold ? [{ claim: `metadata.annotations["rewind.io/hold"] = ${hold.ok ? `run ${hold.hold.runId}` : 'unreadable'}`, source: app.source }] : []),
    ...(facts.openRuns ? runs.map((r) => ({ claim: `run ${r.runId}: ${r.status}`, source: facts.openRuns?.source ?? 'journal' })) : []),
  ];
  if (refusals.length === 0) return result({ id: 'open-run', title, status: 'pass', detail: 'no open run and no hold on the app', evidence });
  return result({ id: 'open-run', title, status: 'fail', detail: refusals[0] ?? '', evidence }, [], refusals);
};
