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
import { findWorldApp, WORLD_APPS, type WorldApp } from './bookstore.ts';
import { badBuild, IMAGE_REGISTRY } from './images.ts';
import { bumpMessage } from './timeline.ts';

export interface CiDeps {
  readonly repo: ConfigRepo;
  readonly apps: AppStore;
  readonly clock: SandboxClock;
  /** Called after every push, as a git webhook tells Argo CD's repo-server to look again. */
  readonly pushed: () => void;
}

const ON_CALL: GitIdentity = { name: 'Priya Raman', email: 'priya.raman@acme-books.example' };

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
  // NOTE: bounded in real time too: at 20x on a loaded machine, a few sandbox seconds is too short a wait.
  const realDeadline = performance.now() + Math.max(deps.clock.toRealMs(4 * RECONCILE_INTERVAL_MS + 30_000), 15_000);
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

/**
 * What else the bad release ships beside its image: nothing (the seed's incident), a migration
 * the old binary survives, one it does not (Step 0 must stop the code rollback), or a second
 * Deployment the API server rejects, so the sync fails after the image was applied
 * (`partial-sync`: auto-sync retries it five times, then operationState stays Failed and no
 * history entry is written).
 */
const SCENARIO_MIGRATIONS = {
  image: () => ({}),
  'partial-sync': (service: string, app?: WorldApp, overlay?: string) =>
    app && overlay
      ? {
          [`${app.path}/kustomization.yaml`]: overlay.replace('  - ../base\n', '  - ../base\n  - worker.yaml\n'),
          [`${app.path}/worker.yaml`]: partialSyncWorker(service),
        }
      : {},
  'safe-migration': (service: string) => ({
    [`apps/${service}/migrations/0099_add_audit_note.sql`]: `-- ${service}: keep a free-text audit note per row\nALTER TABLE ${service}_items ADD COLUMN audit_note text;\n`,
  }),
  'unsafe-migration': (service: string) => ({
    [`apps/${service}/migrations/0099_drop_legacy_sku.sql`]: `-- ${service}: the new code no longer reads legacy_sku\nALTER TABLE ${service}_items DROP COLUMN legacy_sku;\n`,
  }),
} as const;
type Scenario = keyof typeof SCENARIO_MIGRATIONS;

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

function scenarioFrom(body: unknown): Scenario {
  const s = (body as { scenario?: unknown } | undefined)?.scenario ?? 'image';
  if (typeof s === 'string' && s in SCENARIO_MIGRATIONS) return s as Scenario;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes whatever the client sent, as before
  throw new GrpcError(GrpcCode.InvalidArgument, `unknown scenario "${String(s)}" (scenarios: ${Object.keys(SCENARIO_MIGRATIONS).join(', ')})`);
}

export function ciRoutes(deps: CiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/sandbox/v1/world',
      handle: () => Promise.resolve({ apps: WORLD_APPS, images: IMAGE_REGISTRY, configRepo: { path: deps.repo.bareDir, branch: deps.repo.branch } }),
    },
    {
      method: 'POST',
      path: '/api/sandbox/v1/break',
      async handle(req) {
        const body = await req.body();
        const app = appFrom(body);
        const scenario = scenarioFrom(body);
        const bad = badBuild(app.service);
        const file = `${app.path}/kustomization.yaml`;
        const head = await deps.repo.resolve(deps.repo.branch);
        const text = await deps.repo.readFile(head, file);
        if (text.includes(bad.digest)) {
          throw new GrpcError(GrpcCode.FailedPrecondition, `${app.name} already ships the bad image ${bad.version}; revert it first`);
        }
        const next = text
          .replace(/digest: sha256:[0-9a-f]{64}/, `digest: ${bad.digest}`)
          .replace(/# image version: .*/, `# image version: ${bad.version}`);
        const message = `${bumpMessage(app.service, bad.version, [app.region])}\n\nBuilt by ci-pipeline #${4100 + Math.floor(Math.random() * 800)}.`;
        const files: Record<string, string> = { [file]: next, ...SCENARIO_MIGRATIONS[scenario](app.service, app, next) };
        const revision = await deps.repo.commit({ files, message, date: deps.clock.now(), author: { name: 'ci-bot', email: 'ci-bot@acme-books.example' } });
        deps.pushed();
        const historyId = await waitForDeploy(deps, app.name, revision);
        return { app: app.name, revision, previousRevision: head, subject: message.split('\n')[0], image: bad.image, version: bad.version, digest: bad.digest, historyId, deployed: historyId !== null };
      },
    },
    {
      method: 'POST',
      path: '/api/sandbox/v1/revert',
      async handle(req) {
        const body = (await req.body()) as { app?: string; revision?: string };
        const app = appFrom(body);
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
