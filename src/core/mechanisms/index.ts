import { argoRollouts } from './argo-rollouts/propose.ts';
import { argocdRollback } from './argocd-rollback/propose.ts';
import { dataLayer } from './data-layer/propose.ts';
import { featureFlag } from './feature-flag/propose.ts';
import type { Mechanism } from './mechanism.ts';
import { rollForward } from './roll-forward/propose.ts';
import { rolloutUndo } from './rollout-undo/propose.ts';

/**
 * The mechanisms in the seed guide's decision tree order: flag → (Argo Rollouts abort, the
 * automated path) → Argo CD → rollout undo → data layer; roll forward when rolling back would need
 * an unsafe data change. `decide` takes the first that does not decline.
 *
 * NOTE: roll-forward and data-layer are asked before the code rollbacks: "DB migration involved?"
 * is the guide's last box, but its answer (a down migration, a restore, or a fix shipped instead)
 * must come before the old binary meets the new schema. Both decline when the schema can stay.
 */
export const mechanisms: readonly Mechanism[] = [featureFlag, argoRollouts, rollForward, dataLayer, argocdRollback, rolloutUndo];

export type { Mechanism, MechanismInput, Proposal } from './mechanism.ts';
