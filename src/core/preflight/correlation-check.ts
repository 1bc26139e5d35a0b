import { correlate } from '../correlation.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Alert / trigger: did the current sync land within the window and before the alert? */
export const correlationCheck: Preflight = ({ facts, policy, lkg }) => {
  const current = lkg.current;
  const source = facts.application.source;
  if (current === undefined) {
    return result({ id: 'correlation', title: 'Deploy/alert correlation', status: 'info', detail: 'no sync history to correlate with', evidence: [] });
  }
  const c = correlate({ deployedAt: current.deployedAt, alertAt: facts.alertAt, now: facts.now, windowMinutes: policy.correlationWindowMinutes });
  const evidence = [
    { claim: `history ${current.id} synced at ${current.deployedAt}`, source },
    { claim: c.reference === 'alert' ? `alert fired at ${facts.alertAt ?? ''}` : `facts gathered at ${facts.now}`, source: c.reference === 'alert' ? (facts.alertSource ?? '--alert-at') : 'clock' },
  ];
  const status = c.signal === 'strong' ? 'pass' : 'warn';
  return result({ id: 'correlation', title: 'Deploy/alert correlation', status, detail: c.detail, evidence }, status === 'warn' ? [c.detail] : []);
};
