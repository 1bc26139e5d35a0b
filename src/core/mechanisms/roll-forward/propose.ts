import { Proposal, type Mechanism } from '../mechanism.ts';

/** The guide's framework: roll forward when rolling back needs an unsafe data change and a fix exists. */
export const rollForward: Mechanism = {
  name: 'roll-forward',
  summary: 'ship a named fix instead of rolling back',
  propose() {
    return Proposal.decline('no fix revision was named (--fix REV): while the previous version is known-good and no fix is ready, roll back (the guide\'s first rule)');
  },
};
