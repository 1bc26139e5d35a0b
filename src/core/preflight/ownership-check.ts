import { chooseOwnerStrategy, ownerStrategyLabel } from '../owner-strategy.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/**
 * Who would put the app back, and what rewind does about it (core/owner-strategy.ts): pass when
 * nothing owns it, warn with the chosen way when an owner does, refuse when nothing would stick.
 */
export const ownershipCheck: Preflight = ({ facts }) => {
  const app = facts.application.value;
  const title = 'Ownership';
  const source = facts.application.source;
  const strategy = chooseOwnerStrategy(app, facts.app.autoSyncHold);
  if (app.owner === undefined) {
    return result({ id: 'ownership', title, status: 'pass', detail: strategy.why, evidence: [{ claim: 'no owner reference', source }] });
  }
  const owner = `${app.owner.kind} ${app.owner.name}`;
  const evidence = [{ claim: `owner ${owner}`, source }];
  if (strategy.kind === 'refuse') return result({ id: 'ownership', title, status: 'fail', detail: strategy.why, evidence }, [], [strategy.why]);
  const siblings = strategy.kind === 'hold-appset' && strategy.siblings.length > 0 ? `; holding the set also freezes ${strategy.siblings.join(', ')} until finish` : '';
  const detail = `${strategy.why}${siblings} (${ownerStrategyLabel(strategy)})`;
  return result({ id: 'ownership', title, status: 'warn', detail, evidence }, [detail]);
};
