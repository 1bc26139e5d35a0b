/**
 * The config repo's past: who changed what, when, and which Applications deployed it.
 * Times are relative to the sandbox's now, so the last good deploy of
 * `bookstore-catalog-us-east` (history id 41) always landed about three hours ago.
 */
import type { GitIdentity } from '../gitops/git.ts';
import { CI_BOT } from '../gitops/git.ts';
import type { SeedCommit } from '../gitops/fast-import.ts';
import { REGIONS, SERVICES, WORLD_APPS, appName, type Region, type Service } from './bookstore.ts';
import { digestOf } from './images.ts';
import { MIGRATIONS } from './migrations.ts';
import { changedFiles, repoFiles, type ServiceConfig, type WorldConfig } from './repo-files.ts';
import { BENCH_APP, benchPast, type BenchSize } from './bench-past.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
export type World = Mutable<WorldConfig>;

export interface WorldEvent {
  /** Sandbox ms before now. */
  readonly ago: number;
  readonly author: GitIdentity;
  readonly message: string;
  change(w: World): void;
}

const PRIYA: GitIdentity = { name: 'Priya Raman', email: 'priya.raman@acme-books.example' };
const TOMAS: GitIdentity = { name: 'Tomás Ortega', email: 'tomas.ortega@acme-books.example' };
const WEN: GitIdentity = { name: 'Wen Li', email: 'wen.li@acme-books.example' };

const H = 3600_000;
const D = 24 * H;
const M = 60_000;

function firstMigrations(service: Service, count: number): Record<string, string> {
  return Object.fromEntries(Object.entries(MIGRATIONS[service]).slice(0, count));
}

function initialWorld(): World {
  const svc = (versions: string, count: number, env: Record<string, string>, service: Service): ServiceConfig => ({
    versions: { 'us-east': versions, 'eu-west': versions },
    memoryLimit: '512Mi',
    env,
    regionEnv: { 'us-east': {}, 'eu-west': {} },
    migrations: firstMigrations(service, count),
  });
  return structuredClone({
    catalog: svc('1.2.0', 3, { LOG_LEVEL: 'info' }, 'catalog'),
    orders: svc('2.6.3', 2, { LOG_LEVEL: 'info', DB_POOL_SIZE: '20' }, 'orders'),
    payments: svc('3.1.2', 2, { LOG_LEVEL: 'info', PROCESSOR_TIMEOUT: '3s' }, 'payments'),
  });
}

/** `catalog: bump image to 1.4.2 (sha256:3f9a…) in us-east` */
export function bumpMessage(service: Service, version: string, regions: readonly Region[]): string {
  const short = digestOf(service, version).slice(0, 19);
  const where = regions.length === REGIONS.length ? '' : ` in ${regions.join(', ')}`;
  return `${service}: bump image to ${version} (${short})${where}`;
}

function bump(ago: number, service: Service, version: string, regions: readonly Region[] = REGIONS, migration?: string): WorldEvent {
  const extra = migration ? `\n\nShips migration ${migration}.` : '';
  return {
    ago,
    author: CI_BOT,
    message: `${bumpMessage(service, version, regions)}${extra}\n\nBuilt by ci-pipeline #${4000 + Math.round(ago / H)}.`,
    change: (w) => {
      for (const r of regions) w[service].versions[r] = version;
      if (migration) w[service].migrations[migration] = (MIGRATIONS[service] as Record<string, string>)[migration]!;
    },
  };
}

/** The catalog canary app (us-east, Argo Rollouts) moves to `version` on its own. */
function canaryBump(ago: number, version: string): WorldEvent {
  const short = digestOf('catalog', version).slice(0, 19);
  return {
    ago,
    author: CI_BOT,
    message: `catalog: bump image to ${version} (${short}) in the us-east canary app\n\nBuilt by ci-pipeline #${4000 + Math.round(ago / H)}.`,
    change: (w) => {
      w.catalog.canaryVersion = version;
    },
  };
}

function edit(ago: number, author: GitIdentity, message: string, change: (w: World) => void): WorldEvent {
  return { ago, author, message, change };
}

const EVENTS: readonly WorldEvent[] = [
  edit(15 * D, PRIYA, 'Bootstrap bookstore platform config (catalog, orders, payments in us-east and eu-west)', () => {}),
  bump(14 * D + 3 * H, 'catalog', '1.2.1'),
  bump(13 * D + 5 * H, 'orders', '2.7.0', REGIONS, '0003_add_order_status.sql'),
  bump(12 * D + 2 * H, 'catalog', '1.2.2'),
  bump(11 * D + 6 * H, 'payments', '3.1.4'),
  edit(10 * D + 4 * H, PRIYA, 'catalog: raise cache TTL to 300s in us-east', (w) => {
    w.catalog.regionEnv['us-east']['CACHE_TTL_SECONDS'] = '300';
  }),
  bump(9 * D + 7 * H, 'catalog', '1.3.0', REGIONS, '0004_add_book_formats.sql'),
  edit(8 * D + 2 * H, TOMAS, 'orders: raise DB pool size to 40 (Black Friday prep)', (w) => {
    w.orders.env['DB_POOL_SIZE'] = '40';
  }),
  bump(7 * D + 5 * H, 'catalog', '1.3.1'),
  edit(6 * D + 8 * H, WEN, 'catalog: raise memory limit to 768Mi after OOMKills', (w) => {
    w.catalog.memoryLimit = '768Mi';
  }),
  edit(6 * D + 1 * H, WEN, 'catalog: add a canary app in us-east on Argo Rollouts (20% → pause → p99 analysis → 50% → 30s → 100%)', (w) => {
    w.catalog.canaryVersion = '1.3.1';
  }),
  bump(5 * D + 9 * H, 'payments', '3.2.0', REGIONS, '0003_add_refund_reason.sql'),
  bump(4 * D + 6 * H, 'catalog', '1.3.2'),
  bump(3 * D + 4 * H, 'orders', '2.7.1'),
  bump(2 * D + 1 * H + 12 * M, 'catalog', '1.4.0', REGIONS, '0005_add_search_vector.sql'),
  bump(1 * D + 5 * H + 31 * M, 'catalog', '1.4.1', ['us-east']),
  bump(1 * D + 3 * H + 2 * M, 'catalog', '1.4.1', ['eu-west']),
  canaryBump(1 * D + 2 * H + 10 * M, '1.4.1'),
  edit(20 * H + 40 * M, PRIYA, 'catalog: enable pricing cache in us-east', (w) => {
    w.catalog.regionEnv['us-east']['PRICING_CACHE'] = 'enabled';
  }),
  bump(9 * H + 10 * M, 'orders', '2.8.0'),
  bump(3 * H + 14 * M, 'catalog', '1.4.2', ['us-east']),
  bump(2 * H + 48 * M, 'catalog', '1.4.2', ['eu-west']),
  canaryBump(2 * H + 20 * M, '1.4.2'),
  edit(1 * H + 5 * M, TOMAS, 'orders: lower upstream request timeout to 4s', (w) => {
    w.orders.env['REQUEST_TIMEOUT'] = '4s';
  }),
];

export interface SeedDeploy {
  readonly app: string;
  /** Index into `commits`. */
  readonly commit: number;
  readonly startedAt: Date;
  readonly deployedAt: Date;
}

export interface WorldHistory {
  readonly commits: readonly SeedCommit[];
  /** Every deploy each app made, oldest first. */
  readonly deploys: readonly SeedDeploy[];
  readonly world: WorldConfig;
  /** `revisionHistoryLimit` per app where it is not Argo CD's default (the bench world's app). */
  readonly historyLimits: Readonly<Record<string, number>>;
}

/** Files under an app's overlay or its service's base: what its rendered manifests come from. */
function affects(path: string, service: Service, region: Region): boolean {
  return path.startsWith(`apps/${service}/base/`) || path.startsWith(`apps/${service}/${region}/`);
}

/**
 * The default world, or with `bench` the same last two weeks after a long past of routine
 * tuning, sized so the bench app has `bench.history` deploys and the repo `bench.commits` commits.
 */
export function buildWorldHistory(now: Date, bench?: BenchSize): WorldHistory {
  const base = replay(now, EVENTS);
  if (!bench) return base;
  const [bootstrap, ...rest] = EVENTS;
  const past = benchPast({
    deploys: bench.history - base.deploys.filter((d) => d.app === BENCH_APP).length,
    commits: bench.commits - base.commits.length,
    endAgo: bootstrap!.ago,
  });
  const events = [{ ...bootstrap!, ago: past.startAgo }, ...past.events, ...rest];
  // Room above the seeded entries, so the bench's break (and any rollback) trims nothing.
  return { ...replay(now, events), historyLimits: { [BENCH_APP]: bench.history + 100 } };
}

function replay(now: Date, events: readonly WorldEvent[]): WorldHistory {
  const world = initialWorld();
  let files: Record<string, string> = {};
  const commits: SeedCommit[] = [];
  const deploys: SeedDeploy[] = [];
  events.forEach((event, i) => {
    event.change(world);
    const next = repoFiles(world);
    const changed = changedFiles(files, next);
    files = next;
    const date = new Date(now.getTime() - event.ago);
    commits.push({ date, author: event.author, message: event.message, files: changed });
    for (const service of SERVICES) {
      for (const region of REGIONS) {
        if (!Object.keys(changed).some((p) => affects(p, service, region))) continue;
        // CI pushes, Argo CD notices within a couple of minutes; the sync itself takes seconds.
        const startedAt = new Date(date.getTime() + 45_000 + ((i * 37 + service.length * 11 + region.length * 7) % 120) * 1000);
        const deployedAt = new Date(startedAt.getTime() + 4_000 + ((i * 13) % 9) * 1000);
        deploys.push({ app: appName(service, region), commit: i, startedAt, deployedAt });
      }
    }
    // Apps with their own folder tree (the canary app): anything under `apps/<folder>/`.
    for (const app of WORLD_APPS.filter((a) => a.workload)) {
      const root = `${app.path.split('/').slice(0, 2).join('/')}/`;
      if (!Object.keys(changed).some((p) => p.startsWith(root))) continue;
      const startedAt = new Date(date.getTime() + 50_000 + ((i * 41) % 90) * 1000);
      deploys.push({ app: app.name, commit: i, startedAt, deployedAt: new Date(startedAt.getTime() + 6_000) });
    }
  });
  return { commits, deploys, world, historyLimits: {} };
}

/** History ids for an app's deploys: its last deploy carries the app's `currentId`. */
export function historyIds(app: string, deploys: readonly SeedDeploy[]): number[] {
  const mine = deploys.filter((d) => d.app === app);
  // The bench world's long past has more deploys than the default ids count; ids then start at 1.
  const current = Math.max(WORLD_APPS.find((a) => a.name === app)?.currentId ?? 0, mine.length);
  return mine.map((_, i) => current - (mine.length - 1 - i));
}
