/**
 * The incidents the sandbox can stage, one registry for `rewind sandbox break --scenario` and
 * `rewind demo --scenario` (older names stay as aliases). Plain data, cheap to import: the CLI
 * lists and checks names through it without loading the sandbox.
 */
export type ScenarioBehaviour = 'slow' | 'crash-loop' | 'readiness-fail' | 'pull-failure';

export interface ScenarioInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  /** The app the demo stages it on (break takes any app). */
  readonly app: string;
  /** How the release CI ships behaves. */
  readonly behaviour: ScenarioBehaviour;
  /** A migration shipped with the release: none, one the old binary survives, or one it does not. */
  readonly migration: 'none' | 'safe' | 'unsafe' | 'down';
  /** CI re-pushes the running tag with a new build before the release (tag-pinned apps). */
  readonly moveTag: boolean;
  /** The image the app ran before starts crashing too (its dependency broke with the release). */
  readonly previousCrashes: boolean;
  /** The release also adds an object the API server rejects: the sync fails half-applied. */
  readonly partialSync: boolean;
  /** The image the app ran before regresses too (same numbers as the bad release): a rollback cannot fix it. */
  readonly previousSlow?: boolean;
  /** A developer also pushes a fix on a branch (a pull request's head): a healthy build that keeps the new schema. */
  readonly fix?: boolean;
  /**
   * Argo Rollouts apps only: what the team does once the bad canary reaches its first pause
   * (20%): nothing (`stay-paused`), the plugin's `promote` (`resume`: the analysis then runs), or
   * `promote --full` (`promote-full`: the bad version goes to 100%).
   */
  readonly rollout?: 'stay-paused' | 'resume' | 'promote-full';
  /** Issue 14: the release only turns this flagd flag on (no new image); the Pods that evaluate it regress. */
  readonly flag?: string;
  readonly description: string;
}

const s = (o: Omit<ScenarioInfo, 'aliases' | 'migration' | 'moveTag' | 'previousCrashes' | 'partialSync'> & Partial<ScenarioInfo>): ScenarioInfo => ({
  aliases: [],
  migration: 'none',
  moveTag: false,
  previousCrashes: false,
  partialSync: false,
  ...o,
});

export const SCENARIOS: readonly ScenarioInfo[] = [
  s({ name: 'argocd-image', aliases: ['image'], app: 'bookstore-catalog-us-east', behaviour: 'slow', description: 'the seed incident: a new image digest that regresses p99 latency; the rollout completes' }),
  s({ name: 'migration-safe', aliases: ['safe-migration'], app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'safe', description: 'the release also ships a migration the old binary survives' }),
  s({ name: 'migration-unsafe', aliases: ['unsafe-migration'], app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'unsafe', description: 'the release also drops a column the old binary reads, with no down file: Step 0 stops the code rollback and hands off to the data layer (PITR)' }),
  s({ name: 'migration-down', app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'down', description: 'the release drops a column the old binary reads and ships its down file: the down migration runs on the sandbox\'s PostgreSQL, then the code rolls back (after --confirm-down-migration)' }),
  s({ name: 'roll-forward', app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'unsafe', fix: true, description: 'the release drops a column (no down file) and regresses p99; a fix build that keeps the new schema waits on a branch: rewind rollback --fix ships it' }),
  s({ name: 'crashloop', app: 'bookstore-catalog-us-east', behaviour: 'crash-loop', description: 'the new image crash-loops; the rollout stalls and exceeds its progress deadline' }),
  s({ name: 'pull-failure', app: 'bookstore-catalog-us-east', behaviour: 'pull-failure', description: 'the new digest was never pushed: ErrImagePull, then ImagePullBackOff' }),
  s({ name: 'readiness-fail', app: 'bookstore-catalog-us-east', behaviour: 'readiness-fail', description: 'the new image runs but never gets Ready' }),
  s({ name: 'tag-moved', app: 'bookstore-orders-eu-west', behaviour: 'crash-loop', moveTag: true, description: 'CI re-pushed the running tag with another build, then shipped a crash-looping release by tag' }),
  s({ name: 'partial-sync', app: 'bookstore-orders-us-east', behaviour: 'slow', partialSync: true, description: 'the release adds an object the API server rejects: the sync fails after the image was applied, operationState Failed, no history entry' }),
  s({ name: 'autosync-footgun', app: 'bookstore-catalog-us-east', behaviour: 'slow', description: 'the seed\'s footgun shown: a plain kubectl rollout undo on a self-healed app is put back by Argo CD within seconds; rewind\'s undo holds self-heal first and reverts in git' }),
  s({ name: 'kubectl', app: 'bookstore-search-us-east', behaviour: 'crash-loop', description: 'an app Argo CD does not manage: its pipeline ships a crash-looping build with kubectl set image; rewind undoes it as kubectl rollout undo does' }),
  s({ name: 'crashloop-everywhere', app: 'bookstore-catalog-us-east', behaviour: 'crash-loop', previousCrashes: true, description: 'the release crash-loops and breaks a dependency: the previous image crash-loops too' }),
  s({ name: 'slow-good', app: 'bookstore-catalog-us-east', behaviour: 'slow', previousSlow: true, description: 'the release regresses p99 and so does the previous image (a shared dependency got slow): the rollback runs and the metrics stay bad' }),
  s({ name: 'rollouts-canary', app: 'bookstore-catalog-canary-us-east', behaviour: 'slow', rollout: 'stay-paused', description: 'Argo Rollouts: a bad canary (p99 regression) paused indefinitely at 20%, before its analysis step' }),
  s({ name: 'rollouts-auto-aborted', app: 'bookstore-catalog-canary-us-east', behaviour: 'slow', rollout: 'resume', description: 'Argo Rollouts: the bad canary is promoted past its pause; its p99 analysis fails and the controller aborts it (traffic back to stable, Degraded)' }),
  s({ name: 'rollouts-promoted', app: 'bookstore-catalog-canary-us-east', behaviour: 'slow', rollout: 'promote-full', description: 'Argo Rollouts: the bad version is fully promoted (promote --full): every Pod runs it, the Rollout is Healthy' }),
  s({ name: 'rollouts-workloadref', app: 'bookstore-search-indexer-us-east', behaviour: 'slow', description: 'Argo Rollouts without Argo CD: the search indexer\'s Rollout takes its template from a Deployment (workloadRef); its pipeline sets a bad image on the Deployment and the team promotes it in full' }),
  s({ name: 'rollouts-workloadref-argocd', app: 'bookstore-search-indexer-eu-west', behaviour: 'slow', description: 'Argo Rollouts under Argo CD: the eu-west indexer\'s Deployment and its workloadRef Rollout both live in git (replicas ignored by the app); CI pins a bad digest, auto-sync applies it to the Deployment, the team promotes it in full' }),
  s({ name: 'flag', app: 'bookstore-catalog-us-east', behaviour: 'slow', flag: 'catalog.new-search', description: 'a release that only turns on the flag-gated new search (flagd file in the config repo, rendered into a ConfigMap): the catalog Pods evaluate it and p99 regresses; the image does not change' }),
];

export function findScenario(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((x) => x.name === name || x.aliases.includes(name));
}

export function scenarioNames(): string {
  return SCENARIOS.map((x) => x.name + (x.aliases.length ? ` (${x.aliases.join(', ')})` : '')).join(', ');
}
