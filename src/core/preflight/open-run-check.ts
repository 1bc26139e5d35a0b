import { holders } from '../hold-gate.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/**
 * Before anything else: is the app already in a run's hands? A hold on the Application (any
 * host's run) or an open run in this journal means a new rollback would plan against what that
 * run changed — last-known-good would move one entry older, and the "saved" policy would be the
 * one that run turned off. Refuse, naming the run and what to do. decide() refuses on the same
 * holders for every mechanism (hold-gate.ts); this check puts them in the runbook's pre-flight.
 */
export const openRunCheck: Preflight = ({ facts }) => {
  const title = 'Open runs and holds';
  const app = facts.application;
  const held = holders(facts);
  const hold = app.value.hold;
  const runs = facts.openRuns?.value ?? [];
  const evidence = [
    ...(hold ? [{ claim: `metadata.annotations["rewind.io/hold"] = ${hold.ok ? `run ${hold.hold.runId}` : 'unreadable'}`, source: app.source }] : []),
    ...(facts.openRuns ? runs.map((r) => ({ claim: `run ${r.runId}: ${r.status}`, source: facts.openRuns?.source ?? 'journal' })) : []),
  ];
  if (held.length === 0) return result({ id: 'open-run', title, status: 'pass', detail: 'no open run and no hold on the app', evidence });
  const refusals = held.map((h) => h.refusal);
  return result({ id: 'open-run', title, status: 'fail', detail: refusals[0] ?? '', evidence }, [], refusals);
};
