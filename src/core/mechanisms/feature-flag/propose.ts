import { Proposal, type Mechanism } from '../mechanism.ts';

/**
 * The decision tree's first branch: a flag that covers the change is faster (<60 s vs ~2 min) and
 * has a smaller blast radius than a rollback. rewind cannot flip flags yet, so this mechanism
 * declines with what it found: a covering flag is named so a person can flip it first.
 */
export const featureFlag: Mechanism = {
  name: 'feature-flag',
  summary: 'flip the feature flag that gates the change',
  propose({ facts }) {
    const flags = facts.app.flags;
    if (flags.length === 0) return Proposal.decline(`no feature flag is declared for ${facts.app.name} (rewind.yaml apps[].flags)`);
    const d = facts.diagnosis?.value;
    if (d === undefined || d.kinds.length === 0) return Proposal.decline('what the bad release changed is unknown (Step 2 did not run), so no flag can be shown to cover it');
    const covering = flags.filter((f) => d.kinds.every((k) => f.covers.includes(k)));
    if (covering.length === 0) return Proposal.decline(`no declared flag covers what changed (${d.kinds.join(', ')})`);
    const names = covering.map((f) => f.name).join(' or ');
    return Proposal.decline(
      `flag ${names} covers this change (${d.kinds.join(', ')}) and would be faster (<60 s vs ~2 min) with a lower blast radius, but rewind cannot flip flags yet: flip it by hand first and roll back only if that does not help`,
    );
  },
};
