import { Proposal, type Mechanism } from '../mechanism.ts';

/** The guide's last branch: a down migration, or the data-layer runbook (PITR). */
export const dataLayer: Mechanism = {
  name: 'data-layer',
  summary: 'apply the down migration or restore the database',
  propose({ facts }) {
    const m = facts.migrations?.value;
    if (m === undefined) return Proposal.decline('Step 0 did not run (no migrations glob or no window), so no data change is known');
    if (m.verdict === 'none') return Proposal.decline('no migration shipped in the window: the data layer needs nothing');
    if (m.verdict === 'safe') return Proposal.decline('the window\'s migrations are safe for the old binary: the schema can stay');
    return Proposal.decline(
      `the window shipped a ${m.verdict} migration, but rewind does not run down migrations yet: follow data-rollback-postgres-pitr.md (or roll forward)`,
    );
  },
};
