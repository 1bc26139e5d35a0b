import { shortHash } from '../domain.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** A parent (ApplicationSet or app-of-apps) puts `syncPolicy` back: pin `targetRevision` instead. */
export const ownershipCheck: Preflight = ({ facts, lkg }) => {
  const app = facts.application.value;
  const title = 'Ownership';
  const source = facts.application.source;
  if (app.owner === undefined) {
    return result({ id: 'ownership', title, status: 'pass', detail: 'no ApplicationSet or parent app owns it: its sync policy can be changed directly', evidence: [{ claim: 'no owner reference', source }] });
  }
  const owner = `${app.owner.kind} ${app.owner.name}`;
  const target = lkg.ok ? shortHash(lkg.entry.revision) : 'the good revision';
  const detail =
    `owned by ${owner}, which would put spec.syncPolicy back: rewind pins spec.source.targetRevision to ${target} instead of toggling auto-sync` +
    ` (if the parent also templates targetRevision, pin it in the parent instead)`;
  return result({ id: 'ownership', title, status: 'warn', detail, evidence: [{ claim: `owner ${owner}`, source }] }, [detail]);
};
