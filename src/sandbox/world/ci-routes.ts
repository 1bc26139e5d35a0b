/**
 * The sandbox's CI, reachable over HTTPS beside the Argo CD API (same port and token):
 * `break` commits and pushes the bad image digest for an app's region, as a deploy pipeline
 * would, and waits for auto-sync to ship it; `revert` pushes a `git revert` of a commit onto
 * the tracked branch (what the runbook's Step 3d asks for); `world` describes the scenario.
 */
import type { SandboxClock } from '../clock.ts';
import type { GitIdentity } from '../gitops/git.ts';
import type { ConfigRepo } from '../gitops/config-repo.ts';
import type { AppStore } from '../argocd/app-store.ts';
import { GrpcCode, GrpcError } from '../argocd/grpc-error.ts';
import type { Route } from '../argocd/http.ts';
import { RECONCILE_INTERVAL_MS } from '../argocd/app-controller.ts';
import { findWorldApp, NAMESPACE, WORLD_APPS, type WorldApp } from './bookstore.ts';
import { kubeMessage, resourcePath, type KubeClient } from '../gitops/kube-client.ts';
import type { Rollout } from '../rollouts/types.ts';
import { BAD_VERSIONS, badBuild, digestOf, IMAGE_REGISTRY } from './images.ts';
import { bumpMessage } from './timeline.ts';
import { findScenario, SCENARIOS, scenarioNames, type ScenarioInfo } from './scenarios.ts';
import type { WorldImages } from './world-images.ts';
import { shipFlag } from '../flags/ship-flag.ts';
import { SEARCH_BAD_RELEASE, shipSearch, UNMANAGED_APP } from './unmanaged.ts';
import { MIGRATIONS as WORLD_MIGRATIONS } from './migrations.ts';
import type { SandboxPostgres } from '../postgres/embedded.ts';
import { INDEXER_BAD_RELEASE, shipIndexer, UNMANAGED_ROLLOUT_APP } from './unmanaged-rollout.ts';
import { GITOPS_INDEXER_BAD_RELEASE, GITOPS_ROLLOUT_APP, shipGitOpsIndexer } from './gitops-indexer.ts';

export interface CiDeps {
  readonly repo: ConfigRepo;
  readonly apps: AppStore;
  readonly clock: SandboxClock;
  /** Called after every push, as a git webhook tells Argo CD's repo-server to look again. */
  readonly pushed: () => void;
  readonly images: WorldImages;
  /** The clusters: for what a team does to a Rollout after the deploy (rollouts scenarios), and the workloads CI deploys with kubectl (no Argo CD). */
  readonly kubeFor?: (cluster: string) => KubeClient;
  /** Issue 15: the sandbox's PostgreSQL, where a release's migration actually runs (scenario migration-down). */
  readonly postgres?: () => SandboxPostgres | undefined;
}

/**
 * Waits (sandbox time) for the Rollout to pause at its first pause step with the new template,
 * then does what the scenario says the team did, with the plugin's own patches
 * (argo-rollouts `pkg/kubectl-argo-rollouts/cmd/promote/promote.go`). Returns what it did.
 */
async function stageRollout(deps: CiDeps, app: WorldApp, what: NonNullable<ScenarioInfo['rollout']>): Promise<{ action: string; paused: boolean }> {
  const kube = deps.kubeFor?.(app.region);
  if (!kube || !app.workload) return { action: what, paused: false };
  const path = resourcePath({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', namespace: NAMESPACE, name: app.workload.name });
  const realDeadline = performance.now() + Math.max(deps.clock.toRealMs(120_000), 60_000);
  let paused = false;
  while (performance.now() < realDeadline) {
    const r = await kube.request<Rollout>('GET', path);
    const st = r.body.status;
    paused = r.status === 200 && st?.currentPodHash !== st?.stableRS && (st?.pauseConditions ?? []).some((c) => c.reason === 'CanaryPauseStep');
    if (paused) break;
    await deps.clock.sleep(250);
  }
  if (!paused || what === 'stay-paused') return { action: what, paused };
  const patch = what === 'resume' ? { status: { pauseConditions: null } } : { status: { promoteFull: true } };
  const r = await kube.request('PATCH', `${path}/status`, patch, 'application/merge-patch+json');
  if (r.status >= 300) throw new GrpcError(GrpcCode.Internal, `PATCH ${path}/status: ${kubeMessage(r)}`);
  return { action: what, paused };
}

const ON_CALL: GitIdentity = { name: 'Priya Raman', email: 'priya.raman@acme-books.example' };

/**
 * `roll-forward`: a developer's fix for the bad release, on its own branch off it (a pull
 * request's head): a new, healthy build that still reads the migrated schema. CI pushes the
 * image; nothing merges the branch (the run's follow-up waits for that).
 */
async function pushFix(deps: CiDeps, app: WorldApp, bad: string, file: string, badOverlay: string, badVersion: string): Promise<{ branch: string; revision: string; image: string; version: string }> {
  const version = `${badVersion}-fix.1`;
  const build = deps.images.moveTag(app.service, version);
  const text = (app.pinBy === 'tag' ? badOverlay.replace(/newTag: \S+/, `newTag: ${version}`) : badOverlay.replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${build.digest}`))
    .replace(/# image version: .*/, `# image version: ${version}`);
  const branch = `fix/${app.service}-${app.region}-legacy-sku`;
  const revision = await deps.repo.commitOnBranch(branch, bad, {
    files: { [file]: text },
    message: `${app.service}: stop reading legacy_sku (hotfix ${version})`,
    date: deps.clock.now(),
    author: ON_CALL,
  });
  deps.pushed();
  return { branch, revision, image: app.pinBy === 'tag' ? `${build.image.split('@')[0] ?? ''}:${version}` : build.image, version };
}

function appFrom(body: unknown): WorldApp {
  const name = (body as { app?: unknown } | undefined)?.app;
  if (typeof name !== 'string' || !name) throw new GrpcError(GrpcCode.InvalidArgument, 'body must name the app: {"app": "bookstore-catalog-us-east"}');
  const app = findWorldApp(name);
  if (!app) throw new GrpcError(GrpcCode.NotFound, `unknown app "${name}" (sandbox apps: ${WORLD_APPS.map((a) => a.name).join(', ')})`);
  return app;
}

/**
 * Waits (sandbox time) until `app`'s history records `revision` and it compares Synced; returns
 * the entry id, or null when it did not deploy (not yet, or its sync failed for good).
 */
async function waitForDeploy(deps: CiDeps, app: string, revision: string): Promise<number | null> {
  // NOTE: bounded in real time too: at 20x on a loaded machine, a few sandbox seconds is too short a
  // wait; on a shared 2-core machine running several sandboxes, 15 s real was too short as well.
  const realDeadline = performance.now() + Math.max(deps.clock.toRealMs(4 * RECONCILE_INTERVAL_MS + 30_000), 60_000);
  while (performance.now() < realDeadline) {
    const a = deps.apps.get(app);
    const entry = a?.status.history?.find((h) => h.revision === revision);
    if (entry && a?.status.sync.revision === revision && a.status.sync.status === 'Synced') return entry.id;
    const op = a?.status.operationState;
    if (op?.syncResult?.revision === revision && (op.phase === 'Failed' || op.phase === 'Error')) return null;
    await deps.clock.sleep(250);
  }
  return null;
}

/** What else the bad release ships beside its image: nothing, or a migration (see scenarios.ts). */
const MIGRATIONS = {
  none: () => ({}),
  safe: (service: string) => ({
    [`apps/${service}/migrations/0099_add_audit_note.sql`]: `-- ${service}: keep a free-text audit note per row\nALTER TABLE ${service}_items ADD COLUMN audit_note text;\n`,
  }),
  unsafe: (service: string) => ({
    [`apps/${service}/migrations/0099_drop_legacy_sku.sql`]: `-- ${service}: the new code no longer reads legacy_sku\nALTER TABLE ${service}_items DROP COLUMN legacy_sku;\n`,
  }),
  down: (service: string) => downMigrationFiles(service),
} as const;

/**
 * `migration-down`: the release drops a column its base migrations added (golang-migrate's
 * .up/.down pair), and ships the down that puts it back, index included: with CREATE INDEX
 * CONCURRENTLY, as the base migration made it, so the down cannot run in one transaction.
 */
const DOWN_COLUMNS: Readonly<Record<string, { table: string; column: string; type: string; index?: string }>> = {
  catalog: { table: 'books', column: 'search_vector', type: 'tsvector', index: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS books_search_vector_idx ON books USING gin (search_vector)' },
  orders: { table: 'orders', column: 'status', type: 'text', index: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON orders (status)' },
  payments: { table: 'payments', column: 'refund_reason', type: 'text' },
};

function downMigrationFiles(service: string): Record<string, string> {
  const c = DOWN_COLUMNS[service];
  if (!c) return {};
  const base = `apps/${service}/migrations/0099_drop_${c.column}`;
  return {
    [`${base}.up.sql`]: `-- ${service}: the new code no longer reads ${c.column}\nALTER TABLE ${c.table} DROP COLUMN ${c.column};\n`,
    [`${base}.down.sql`]: `-- put ${c.column} back as it was\nALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type};\n${c.index ? `${c.index};\n` : ''}`,
  };
}

/**
 * What a PreSync migration Job would do: the app's database gets the base migrations that exist at
 * the good revision, then the release's up files, so its schema is the one the bad release left.
 */
async function migrateDatabase(deps: CiDeps, app: WorldApp, good: string, files: Record<string, string>): Promise<void> {
  const pgServer = deps.postgres?.();
  if (!pgServer) throw new GrpcError(GrpcCode.FailedPrecondition, 'this sandbox has no PostgreSQL');
  const base: { path: string; sql: string }[] = [];
  for (const name of Object.keys(WORLD_MIGRATIONS[app.service] ?? {})) {
    const path = `apps/${app.service}/migrations/${name}`;
    const sql = await deps.repo.readFile(good, path).catch(() => undefined);
    if (sql !== undefined) base.push({ path, sql });
  }
  const ups = Object.entries(files).filter(([p]) => p.endsWith('.up.sql')).map(([path, sql]) => ({ path, sql }));
  await pgServer.migrate(app.name, [...base, ...ups]);
}

/**
 * `partial-sync`: the release adds a second Deployment the API server rejects, so the sync fails
 * after the image was applied (auto-sync retries it five times, then operationState stays Failed
 * and no history entry is written).
 */
function partialSyncFiles(app: WorldApp, overlay: string): Record<string, string> {
  return {
    [`${app.path}/kustomization.yaml`]: overlay.replace('  - ../base\n', '  - ../base\n  - worker.yaml\n'),
    [`${app.path}/worker.yaml`]: partialSyncWorker(app.service),
  };
}

/** A worker Deployment whose selector does not match its template: the API server answers 422. */
function partialSyncWorker(service: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${service}-worker`,
    'spec:',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    `      app: ${service}-worker`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${service}-worker-v2`,
    '    spec:',
    '      containers:',
    `        - name: ${service}-worker`,
    `          image: ghcr.io/acme/${service}:worker`,
    '',
  ].join('\n');
}

function scenarioFrom(body: unknown): ScenarioInfo {
  const s = (body as { scenario?: unknown } | undefined)?.scenario ?? 'image';
  const found = typeof s === 'string' ? findScenario(s) : undefined;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes whatever the client sent, as before
  if (!found) throw new GrpcError(GrpcCode.InvalidArgument, `unknown scenario "${String(s)}" (scenarios: ${scenarioNames()})`);
  return found;
}

export function ciRoutes(deps: CiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/sandbox/v1/world',
      handle: () => Promise.resolve({ now: deps.clock.now().toISOString(), apps: WORLD_APPS, images: IMAGE_REGISTRY, scenarios: SCENARIOS, configRepo: { path: deps.repo.bareDir, branch: deps.repo.branch } }),
    },
    {
      method: 'POST',
      path: '/api/sandbox/v1/break',
      async handle(req) {
        const body = await req.body();
        if ((body as { app?: unknown } | undefined)?.app === UNMANAGED_APP.name && deps.kubeFor) {
          // Its pipeline runs kubectl set image; nothing goes through git or Argo CD.
          const { image } = await shipSearch(deps.kubeFor(UNMANAGED_APP.region), SEARCH_BAD_RELEASE);
          return { app: UNMANAGED_APP.name, scenario: 'kubectl', image, version: SEARCH_BAD_RELEASE, behaviour: 'crash-loop', deployed: true };
        }
        if ((body as { app?: unknown } | undefined)?.app === UNMANAGED_ROLLOUT_APP.name && deps.kubeFor) {
          // kubectl set image on the referenced Deployment, then the team's promote --full: no git, no Argo CD.
          const realTimeout = Math.max(deps.clock.toRealMs(180_000), 60_000);
          const { image, promoted } = await shipIndexer(deps.kubeFor(UNMANAGED_ROLLOUT_APP.region), (ms) => deps.clock.sleep(ms), realTimeout);
          return { app: UNMANAGED_ROLLOUT_APP.name, scenario: 'rollouts-workloadref', image, version: INDEXER_BAD_RELEASE, behaviour: 'slow', deployed: promoted, rollout: { action: 'promote-full', paused: false } };
        }
        if ((body as { app?: unknown } | undefined)?.app === GITOPS_ROLLOUT_APP.name && deps.kubeFor) {
          // CI pins the bad digest in git; Argo CD applies the Deployment; the team promotes the canary in full.
          const realTimeout = Math.max(deps.clock.toRealMs(180_000), 60_000);
          const shipped = await shipGitOpsIndexer({ repo: deps.repo, clock: deps.clock, kube: deps.kubeFor(GITOPS_ROLLOUT_APP.region), pushed: deps.pushed }, realTimeout).catch((e: Error) => {
            throw new GrpcError(GrpcCode.FailedPrecondition, e.message);
          });
          return { app: GITOPS_ROLLOUT_APP.name, scenario: 'rollouts-workloadref-argocd', revision: shipped.revision, previousRevision: shipped.previousRevision, image: shipped.image, version: GITOPS_INDEXER_BAD_RELEASE, behaviour: 'slow', deployed: shipped.promoted, rollout: { action: 'promote-full', paused: false } };
        }
        const app = appFrom(body);
        const scenario = scenarioFrom(body);
        if (scenario.flag) return shipFlag(deps, app, scenario, scenario.flag, (revision) => waitForDeploy(deps, app.name, revision));
        const bad = badBuild(app.service, scenario.behaviour);
        const file = `${app.path}/kustomization.yaml`;
        const head = await deps.repo.resolve(deps.repo.branch);
        const text = await deps.repo.readFile(head, file);
        const running = /# image version: (\S+)/.exec(text)?.[1] ?? '';
        if (Object.values(BAD_VERSIONS[app.service]).some((b) => b.version === running)) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `${app.name} already ships the bad image ${running}; revert it first`);
        }
        if (scenario.rollout && app.workload?.kind !== 'Rollout') {
          throw new GrpcError(GrpcCode.FailedPrecondition, `scenario ${scenario.name} needs an app on Argo Rollouts (${WORLD_APPS.filter((a) => a.workload?.kind === 'Rollout').map((a) => a.name).join(', ')})`);
        }
        if (scenario.moveTag && app.pinBy !== 'tag') {
          throw new GrpcError(GrpcCode.FailedPrecondition, `scenario ${scenario.name} needs an app that pins its image by tag (${WORLD_APPS.filter((a) => a.pinBy === 'tag').map((a) => a.name).join(', ')})`);
        }
        // What the app's Pods run now, before anything moves.
        const previous = app.pinBy === 'tag' ? deps.images.tagDigest(app.service, running) : digestOf(app.service, running);
        const moved = scenario.moveTag ? deps.images.moveTag(app.service, running) : undefined;
        const next = (app.pinBy === 'tag' ? text.replace(/newTag: \S+/, `newTag: ${bad.version}`) : text.replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${bad.digest}`))
          .replace(/# image version: .*/, `# image version: ${bad.version}`);
        const message = `${bumpMessage(app.service, bad.version, [app.region])}\n\nBuilt by ci-pipeline #${4100 + Math.floor(Math.random() * 800)}.`;
        const files: Record<string, string> = { [file]: next, ...MIGRATIONS[scenario.migration](app.service), ...(scenario.partialSync ? partialSyncFiles(app, next) : {}) };
        if (scenario.migration === 'down') await migrateDatabase(deps, app, head, files);
        const revision = await deps.repo.commit({ files, message, date: deps.clock.now(), author: { name: 'ci-bot', email: 'ci-bot@acme-books.example' } });
        deps.pushed();
        if (scenario.previousCrashes && previous) deps.images.setBehaviour(previous, 'crash-loop');
        if (scenario.previousSlow && previous) deps.images.setBehaviour(previous, 'slow');
        const historyId = await waitForDeploy(deps, app.name, revision);
        const rollout = scenario.rollout && historyId !== null ? await stageRollout(deps, app, scenario.rollout) : undefined;
        const fix = scenario.fix ? await pushFix(deps, app, revision, file, next, bad.version) : undefined;
        return {
          app: app.name,
          scenario: scenario.name,
          revision,
          previousRevision: head,
          subject: message.split('\n')[0],
          image: app.pinBy === 'tag' ? `${bad.image.split('@')[0]}:${bad.version}` : bad.image,
          version: bad.version,
          digest: bad.digest,
          behaviour: bad.behaviour,
          ...(moved ? { movedTag: { tag: running, from: previous, to: moved.digest } } : {}),
          ...(scenario.previousCrashes && previous ? { nowCrashing: previous } : {}),
          historyId,
          deployed: historyId !== null,
          ...(rollout ? { rollout } : {}),
          ...(fix ? { fix } : {}),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/sandbox/v1/revert',
      async handle(req) {
        const body = (await req.body()) as { app?: string; revision?: string };
        // The eu-west indexer is no WorldApp, but its config lives in the same repo.
        const app = body.app === GITOPS_ROLLOUT_APP.name ? { name: GITOPS_ROLLOUT_APP.name } : appFrom(body);
        if (!body.revision) throw new GrpcError(GrpcCode.InvalidArgument, 'body must name the commit to revert: {"app": ..., "revision": "<sha>"}');
        let target: string;
        try {
          target = await deps.repo.resolve(body.revision);
        } catch {
          throw new GrpcError(GrpcCode.NotFound, `revision ${body.revision} is not in the config repo`);
        }
        let revision: string;
        try {
          revision = await deps.repo.revert(target, deps.clock.now(), ON_CALL);
          deps.pushed();
        } catch (e) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `git revert ${target.slice(0, 7)} failed: ${(e as Error).message.split('\n')[0]}`);
        }
        return { app: app.name, revision, reverted: target, subject: await deps.repo.subject(revision), branch: deps.repo.branch };
      },
    },
  ];
}
