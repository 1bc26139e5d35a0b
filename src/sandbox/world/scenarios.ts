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
  readonly migration: 'none' | 'safe' | 'unsafe';
  /** CI re-pushes the running tag with a new build before the release (tag-pinned apps). */
  readonly moveTag: boolean;
  /** The image the app ran before starts crashing too (its dependency broke with the release). */
  readonly previousCrashes: boolean;
  /** The release also adds an object the API server rejects: the sync fails half-applied. */
  readonly partialSync: boolean;
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
  s({ name: 'safe-migration', app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'safe', description: 'the release also ships a migration the old binary survives' }),
  s({ name: 'unsafe-migration', app: 'bookstore-catalog-us-east', behaviour: 'slow', migration: 'unsafe', description: 'the release also drops a column the old binary reads: Step 0 stops the code rollback' }),
  s({ name: 'crashloop', app: 'bookstore-catalog-us-east', behaviour: 'crash-loop', description: 'the new image crash-loops; the rollout stalls and exceeds its progress deadline' }),
  s({ name: 'pull-failure', app: 'bookstore-catalog-us-east', behaviour: 'pull-failure', description: 'the new digest was never pushed: ErrImagePull, then ImagePullBackOff' }),
  s({ name: 'readiness-fail', app: 'bookstore-catalog-us-east', behaviour: 'readiness-fail', description: 'the new image runs but never gets Ready' }),
  s({ name: 'tag-moved', app: 'bookstore-orders-eu-west', behaviour: 'crash-loop', moveTag: true, description: 'CI re-pushed the running tag with another build, then shipped a crash-looping release by tag' }),
  s({ name: 'partial-sync', app: 'bookstore-orders-us-east', behaviour: 'slow', partialSync: true, description: 'the release adds an object the API server rejects: the sync fails after the image was applied, operationState Failed, no history entry' }),
  s({ name: 'autosync-footgun', app: 'bookstore-catalog-us-east', behaviour: 'slow', description: 'the seed\'s footgun shown: a plain kubectl rollout undo on a self-healed app is put back by Argo CD within seconds; rewind\'s undo holds self-heal first and reverts in git' }),
  s({ name: 'kubectl', app: 'bookstore-search-us-east', behaviour: 'crash-loop', description: 'an app Argo CD does not manage: its pipeline ships a crash-looping build with kubectl set image; rewind undoes it as kubectl rollout undo does' }),
  s({ name: 'crashloop-everywhere', app: 'bookstore-catalog-us-east', behaviour: 'crash-loop', previousCrashes: true, description: 'the release crash-loops and breaks a dependency: the previous image crash-loops too' }),
];

export function findScenario(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((x) => x.name === name || x.aliases.includes(name));
}

export function scenarioNames(): string {
  return SCENARIOS.map((x) => x.name + (x.aliases.length ? ` (${x.aliases.join(', ')})` : '')).join(', ');
}
