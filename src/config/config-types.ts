/**
 * rewind.yaml after validation and normalisation. Paths are absolute (resolved against the
 * config file's folder); secrets are references, never values.
 *
 * ### Example (rewind.yaml)
 * ```yaml
 * clusters:
 *   - name: us-east
 *     context: us-east            # kubeconfig context
 *     kubeconfig: ./kubeconfig    # optional; default $KUBECONFIG or ~/.kube/config
 * argocd:
 *   url: https://argocd.example.com
 *   tokenEnv: ARGOCD_AUTH_TOKEN   # or tokenFile: ./argocd-token (mode 0600)
 *   caFile: ./ca.crt              # optional
 * configRepo:
 *   path: ./bookstore-platform-config   # a local clone (or bare repo) of what Argo CD tracks
 *   branch: main
 * apps:
 *   - name: bookstore-catalog-us-east  # the Argo CD Application
 *     cluster: us-east
 *     namespace: bookstore-platform-acme-books
 *     workload: { kind: Deployment, name: catalog }
 *     repoPath: apps/catalog/us-east
 *     migrations: apps/catalog/migrations/*.sql
 *     severity: P1
 *     slackChannel: "#bookstore-platform-status"
 *     verify:                          # optional; default: the seed's alert for catalog/payments/orders
 *       metrics:
 *         - name: p99
 *           query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="catalog"}[5m])))
 *           successCondition: result[0] < 0.5
 *       requireMetrics: true
 * prometheus:
 *   url: https://prometheus.example.com
 *   tokenEnv: PROMETHEUS_TOKEN        # or tokenFile, or basicAuth: { username, passwordEnv|passwordFile }
 *   headers: { X-Scope-OrgID: bookstore }
 *   alertmanagerUrl: https://alertmanager.example.com
 * ```
 */
import type { VerificationSpec } from '../core/analysis/verification.ts';
import type { CommsConfig, RunbookConfig } from './comms-config.ts';
import type { DeclaredFlag } from '../core/flags/types.ts';

export type SecretRef = { readonly env: string } | { readonly file: string };

export interface ClusterConfig {
  readonly name: string;
  readonly context: string;
  readonly kubeconfig?: string;
}

export interface ArgoCdConfig {
  readonly url: string;
  readonly token: SecretRef;
  readonly caFile?: string;
  readonly insecure: boolean;
  /** The cluster Argo CD runs in (its Application CRs); absent: each app's own cluster. */
  readonly cluster?: string;
  /** The Application CRs' namespace (default argocd). */
  readonly namespace: string;
  /** An API read slower than this is an outage (the undo path is planned); absent: only a failed read is. */
  readonly slowAfterMs?: number;
}

/** `prometheus:` after normalisation: durations in ms, secrets as references. */
export interface PrometheusConfig {
  readonly url: string;
  readonly auth?: { readonly token: SecretRef } | { readonly basic: { readonly username: string; readonly password: SecretRef } };
  readonly caFile?: string;
  readonly insecure: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly alertmanagerUrl?: string;
  readonly timeoutMs: number;
  readonly scrapeIntervalMs: number;
}

export interface AppEntry {
  readonly name: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly workload: { readonly kind: 'Deployment' | 'Rollout'; readonly name: string };
  readonly repoPath?: string;
  readonly migrations?: string;
  readonly severity: 'P0' | 'P1' | 'P2';
  readonly slackChannel?: string;
  readonly flags: readonly DeclaredFlag[];
  /** Who deploys the workload: Argo CD (default) or nothing (rollout undo through the Kubernetes API). */
  readonly gitops: 'argocd' | 'none';
  /** Step 3d by rewind: push the revert, or push it for review; absent: a person reverts. */
  readonly revert?: 'push' | 'review';
  /** Disable auto-sync (default) or pin targetRevision to the good commit while the run is open. */
  readonly autoSyncHold?: 'disable' | 'pin';
  /** `verify:` as written (durations in ms, recovery defaults applied); absent when not written. */
  readonly verify?: VerificationSpec;
  /** The app's PostgreSQL by reference (env or 0600 file), and whether a down migration needs its own confirmation. */
  readonly database?: { readonly url: SecretRef; readonly downMigrations: 'confirm' | 'auto' };
}

/** A registry image references name, and where its API answers. */
export interface RegistryConfig {
  readonly host: string;
  /** Default (the registry adapter's): `https://<host>`, Docker Hub's `https://registry-1.docker.io`. */
  readonly url?: string;
  readonly caFile?: string;
}

export interface RewindConfig {
  /** Absolute path of the file this came from. */
  readonly file: string;
  readonly clusters: readonly ClusterConfig[];
  readonly argocd: ArgoCdConfig;
  readonly configRepo?: { readonly path: string; readonly branch: string; readonly token?: SecretRef };
  readonly prometheus?: PrometheusConfig;
  readonly registries: readonly RegistryConfig[];
  /** Docker config.json holding registry credentials (by reference: rewind reads it when it needs them). */
  readonly dockerConfig?: string;
  readonly apps: readonly AppEntry[];
  /** Where the journal lives: DATABASE_URL (Postgres) or the embedded store under `.rewind/`. */
  /** `dir` only when the file sets it; otherwise the state directory (XDG) decides, see app-context. */
  readonly state: { readonly dir?: string; readonly databaseUrlEnv?: string };
  /** Step 4's receivers (comms-config.ts); absent: nobody is told. */
  readonly comms?: CommsConfig;
  /** Runbooks whose "last worked" tables verified runs extend (comms-config.ts). */
  readonly runbooks: readonly RunbookConfig[];
}
