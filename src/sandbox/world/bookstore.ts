/**
 * The Bookstore Platform: three services in two regions, one Argo CD Application each,
 * named as in the seed runbook (`bookstore-catalog-us-east`, ...).
 */
export const NAMESPACE = 'bookstore-platform-acme-books';
export const SERVICES = ['catalog', 'orders', 'payments'] as const;
export const REGIONS = ['us-east', 'eu-west'] as const;
export type Service = (typeof SERVICES)[number];
export type Region = (typeof REGIONS)[number];

export function isService(name: string | undefined): name is Service {
  return (SERVICES as readonly string[]).includes(name ?? '');
}

export interface WorldApp {
  readonly name: string;
  readonly service: Service;
  readonly region: Region;
  /** Folder of the Application's source in the config repo. */
  readonly path: string;
  readonly migrations: string;
  /** The history id of the current (good) deploy, as Argo CD has counted since the app was created. */
  readonly currentId: number;
  /** Who generates or renders the Application (see OWNERS); absent: a standalone app. */
  readonly owner?: WorldOwner;
  readonly severity: 'P0' | 'P1' | 'P2';
  readonly slackChannel: string;
  /** How the overlay pins the service image: by digest (CI's default) or by tag (Kustomize `newTag`). */
  readonly pinBy: 'digest' | 'tag';
  /** The workload the app's folder renders; absent: a Deployment named after the service. */
  readonly workload?: { readonly kind: 'Rollout'; readonly name: string };
}

export interface WorldOwner {
  readonly kind: 'ApplicationSet' | 'Application';
  readonly name: string;
}

/**
 * Who owns which app, as teams run Argo CD (README's sandbox section lists the same):
 * - `bookstore` ApplicationSet, upstream's defaults: every field of the app is put back.
 * - `bookstore-sync-exempt` ApplicationSet: ignores `/spec/syncPolicy` (auto-sync may be turned off).
 * - `bookstore-pinnable` ApplicationSet: ignores `/spec/source/targetRevision` (emergency pins stick).
 * - `bookstore-apps` Application (app of apps, self-heal on): its source renders the child.
 * The others (catalog-us-east, the demo's app, orders-us-east) are standalone.
 */
export const OWNERS: Readonly<Record<string, WorldOwner>> = {
  'payments/eu-west': { kind: 'ApplicationSet', name: 'bookstore' },
  'payments/us-east': { kind: 'ApplicationSet', name: 'bookstore-sync-exempt' },
  'catalog/eu-west': { kind: 'ApplicationSet', name: 'bookstore-pinnable' },
  'orders/eu-west': { kind: 'Application', name: 'bookstore-apps' },
};

/** The app-of-apps parent: where its source lives in the config repo. */
export const PARENT_APP = { name: 'bookstore-apps', path: 'argocd/apps' } as const;
/** The one service whose team pins images by tag (both its apps); the rest pin by digest. */
export const TAG_PINNED_SERVICE: Service = 'orders';

/** Current ids: catalog-us-east sits at 41 (the last known good), so `break` makes it 42 as in the seed. */
const CURRENT_IDS: Readonly<Record<string, number>> = {
  'catalog/us-east': 41,
  'catalog/eu-west': 36,
  'orders/us-east': 31,
  'orders/eu-west': 28,
  'payments/us-east': 19,
  'payments/eu-west': 17,
};

const DEPLOYMENT_APPS: readonly WorldApp[] = SERVICES.flatMap((service) =>
  REGIONS.map((region): WorldApp => {
    const owner = OWNERS[`${service}/${region}`];
    return {
      name: appName(service, region),
      service,
      region,
      path: `apps/${service}/${region}`,
      migrations: `apps/${service}/migrations/*.sql`,
      currentId: CURRENT_IDS[`${service}/${region}`] ?? 1,
      ...(owner ? { owner } : {}),
      severity: service === 'payments' ? 'P0' : 'P1',
      slackChannel: '#bookstore-platform-status',
      pinBy: service === TAG_PINNED_SERVICE ? 'tag' : 'digest',
    };
  }),
);

/**
 * The catalog's canary app: the same service, shipped in us-east as an Argo Rollout with a canary
 * (20% → pause → analysis → 50% → pause 30s → 100%) and an AnalysisTemplate on its p99
 * (`repo-files.ts`). Its Pods are labelled `app: catalog-canary`, so the seed's catalog alert and
 * the Deployment apps' Pods stay as they were.
 */
export const CANARY_APP: WorldApp = {
  name: 'bookstore-catalog-canary-us-east',
  service: 'catalog',
  region: 'us-east',
  path: 'apps/catalog-canary/us-east',
  migrations: 'apps/catalog/migrations/*.sql',
  currentId: 3,
  severity: 'P1',
  slackChannel: '#bookstore-platform-status',
  pinBy: 'digest',
  workload: { kind: 'Rollout', name: 'catalog-canary' },
};

export const WORLD_APPS: readonly WorldApp[] = [...DEPLOYMENT_APPS, CANARY_APP];

/** The kind and name of the app's workload in its namespace. */
export function workloadOf(app: WorldApp): { kind: 'Deployment' | 'Rollout'; name: string } {
  return app.workload ?? { kind: 'Deployment', name: app.service };
}

export function appName(service: Service, region: Region): string {
  return `bookstore-${service}-${region}`;
}

/** The container runtime of each region's nodes (the format of `imageID`). */
export function runtimeOf(region: string): 'containerd' | 'docker' {
  return region === 'eu-west' ? 'docker' : 'containerd';
}

export function findWorldApp(name: string): WorldApp | undefined {
  return WORLD_APPS.find((a) => a.name === name);
}
