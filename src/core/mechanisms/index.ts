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
 */
export const mechanisms: readonly Mechanism[] = [featureFlag, argoRollouts, argocdRollback, rolloutUndo, dataLayer, rollForward];

export type { Mechanism, MechanismInput, Proposal } from './mechanism.ts';
