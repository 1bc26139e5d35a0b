import type { AppOwner, AppSetRules, ChangeDiagnosis, ChangeKind, HistoryEntry, MigrationVerdict, MigrationWindow, WorkloadKind } from '../core/domain.ts';
import { Fact, type Facts, type FixRevision, type OpenRun } from '../core/facts.ts';
import type { Hold } from '../core/hold.ts';
import { deepFreeze } from '../core/freeze.ts';
import type { ReplicaSetRevision, RolloutHistory } from '../core/rollout-history.ts';
import type { DeclaredFlag, FlagEvidence } from '../core/flags/types.ts';

/** A short hash made full (40 hex chars) by repeating it, so tests can write the seed's 7-char ids. */
export function fullHash(short: string): string {
  return short.length >= 40 ? short : short.padEnd(40, short);
}

const NOW = '2026-05-20T14:30:13Z';
const minutesBefore = (iso: string, minutes: number): string => new Date(Date.parse(iso) - minutes * 60_000).toISOString();

/** The seed's scenario in names and numbers, for assertions. */
export const SEED = Object.freeze({
  app: 'bookstore-catalog-us-east',
  now: NOW,
  good: Object.freeze({ id: 41, revision: fullHash('a1b2c3d') }),
  bad: Object.freeze({ id: 42, revision: fullHash('d8f3c2a') }),
  goodImage: `ghcr.io/acme/catalog@sha256:${'600d'.repeat(16)}`,
  badImage: `ghcr.io/acme/catalog@sha256:${'bad0'.repeat(16)}`,
  appSource: 'argocd GET /api/v1/applications/bookstore-catalog-us-east',
});

/** Shorthand for `.history([...])`: revision may be short; `minutesAgo` counts back from `now`. */
export interface FakeHistoryEntry {
  readonly id: number;
  readonly revision: string;
  readonly minutesAgo: number;
  readonly automated?: boolean;
  /** When the sync began (Argo CD's `deployStartedAt`), when the test needs it. */
  readonly startedMinutesAgo?: number;
}

interface Props {
  readonly now: string;
  readonly history: readonly FakeHistoryEntry[];
  readonly current?: string;
  readonly autoSync: boolean;
  readonly owner?: AppOwner;
  readonly requestedId?: number;
  readonly alertAt?: string;
  readonly migrations: MigrationWindow;
  readonly diagnosis: ChangeDiagnosis;
  readonly flags: readonly DeclaredFlag[];
  readonly flagEvidence?: FlagEvidence;
  readonly workloadKind: WorkloadKind;
  readonly operationRunning: boolean;
  /** A sync to this revision failed after a partial apply (operationState Failed, no history entry). */
  readonly failedSync?: string;
  readonly pruned?: readonly string[];
  readonly targetImages?: readonly string[];
  readonly noApplication?: boolean;
  readonly hold?: Hold;
  readonly openRuns?: readonly OpenRun[];
  readonly gitopsNone?: boolean;
  readonly rollout?: RolloutHistory;
  readonly revert?: 'push' | 'review';
  readonly database?: { readonly reference: string; readonly downMigrations: 'confirm' | 'auto' };
  readonly fix?: FixRevision;
  readonly autoSyncHold?: 'disable' | 'pin';
}

const SEED_HISTORY: readonly FakeHistoryEntry[] = [
  { id: 38, revision: '1f2e3d4', minutesAgo: 2958 },
  { id: 39, revision: '5a4b3c2', minutesAgo: 1739 },
  { id: 40, revision: '9e8d7c6', minutesAgo: 1248 },
  { id: 41, revision: 'a1b2c3d', minutesAgo: 201 },
  { id: 42, revision: 'd8f3c2a', minutesAgo: 8, automated: true },
];

/**
 * A fluent, immutable builder of `Facts` for decide() tests, in the way of changesets'
 * FakeFullState: start from the seed's incident and change one thing per call.
 *
 * ### Examples
 * ```ts
 * const facts = FakeFacts.seed().autoSync(false).requestTo(40).build();
 * decide(facts).to?.historyId; // 40
 * ```
 */
export class FakeFacts {
  readonly #props: Props;

  private constructor(props: Props) {
    this.#props = props;
  }

  /** catalog-us-east: history 38-42, 42 = d8f3c2a (bad digest, 8 min ago), auto-sync with prune+selfHeal, 3 pods on the bad digest. */
  static seed(): FakeFacts {
    return new FakeFacts({
      now: NOW,
      history: SEED_HISTORY,
      autoSync: true,
      migrations: { verdict: 'none', files: [] },
      diagnosis: {
        kinds: ['image-digest'],
        files: ['apps/catalog/us-east/kustomization.yaml'],
        images: [{ name: 'ghcr.io/acme/catalog', from: SEED.goodImage, to: SEED.badImage }],
        commits: [{ revision: SEED.bad.revision, subject: 'catalog: bump image digest', author: 'ci-bot' }],
      },
      flags: [],
      workloadKind: 'Deployment',
      operationRunning: false,
    });
  }

  #with(p: Partial<Props>): FakeFacts {
    return new FakeFacts({ ...this.#props, ...p });
  }

  autoSync(on: boolean): FakeFacts { return this.#with({ autoSync: on }); }
  /** An ApplicationSet owner with upstream's defaults unless `rules` says otherwise. */
  ownedByAppSet(name: string, rules: Partial<AppSetRules> = {}): FakeFacts {
    const applicationSet: AppSetRules = { ignoredPointers: [], jqPathExpressions: [], preservedAnnotations: [], preservedLabels: [], siblings: [], ...rules };
    return this.#with({ owner: { kind: 'ApplicationSet', name, applicationSet } });
  }
  /** A parent app with auto-sync and self-heal on unless `autoSync`/`selfHeal` say otherwise. */
  ownedByApp(name: string, parent: { autoSync?: boolean; selfHeal?: boolean; owner?: { kind: 'ApplicationSet' | 'Application'; name: string } } = {}): FakeFacts {
    const autoSync = parent.autoSync ?? true;
    const selfHeal = autoSync && (parent.selfHeal ?? true);
    const syncPolicy = { automated: autoSync ? { prune: true, selfHeal, enabled: true } : null };
    return this.#with({ owner: { kind: 'Application', name, parent: { autoSync, selfHeal, syncPolicy, ...(parent.owner ? { owner: parent.owner } : {}) } } });
  }
  /** An owner whose rules could not be read. */
  ownedUnreadable(kind: 'ApplicationSet' | 'Application', name: string, why: string): FakeFacts { return this.#with({ owner: { kind, name, unreadable: why } }); }
  /** Replaces the history (oldest first or not; the current revision becomes the newest entry's). */
  history(entries: readonly FakeHistoryEntry[]): FakeFacts { return this.#with({ history: entries }); }
  /** The app's synced revision when it is not the newest entry's. */
  currentRevision(revision: string): FakeFacts { return this.#with({ current: revision }); }
  requestTo(id: number): FakeFacts { return this.#with({ requestedId: id }); }
  alertAt(iso: string): FakeFacts { return this.#with({ alertAt: iso }); }
  alertMinutesAgo(minutes: number): FakeFacts { return this.#with({ alertAt: minutesBefore(this.#props.now, minutes) }); }
  workloadKind(kind: WorkloadKind): FakeFacts { return this.#with({ workloadKind: kind }); }
  operationRunning(): FakeFacts { return this.#with({ operationRunning: true }); }
  failedPartialSync(revision: string): FakeFacts { return this.#with({ failedSync: fullHash(revision) }); }
  pruned(...revisions: string[]): FakeFacts { return this.#with({ pruned: revisions.map(fullHash) }); }
  targetImages(...images: string[]): FakeFacts { return this.#with({ targetImages: images }); }
  /** A declared flag (issue 14); `gates` as rewind.yaml writes them. */
  flag(flag: DeclaredFlag): FakeFacts { return this.#with({ flags: [...this.#props.flags, flag] }); }
  /** What the flag evidence reader and the providers found (hunks, flag changes, live states). */
  flagEvidence(evidence: FlagEvidence): FakeFacts { return this.#with({ flagEvidence: evidence }); }
  /** An app no Argo CD Application manages (no history, no sync policy). */
  withoutApplication(): FakeFacts { return this.#with({ noApplication: true }); }
  /** Another run's hold on the Application (`rewind.io/hold`). */
  heldBy(runId: string, over: Partial<Hold> = {}): FakeFacts {
    return this.#with({ hold: { runId, app: SEED.app, actor: 'alice', host: 'laptop-7', at: minutesBefore(this.#props.now, 30), badRevision: SEED.bad.revision, saved: { syncPolicy: { automated: { prune: true, selfHeal: true, enabled: true } } }, state: 'active', ...over } });
  }
  openRun(runId: string, status: string, minutesAgo = 20): FakeFacts {
    return this.#with({ openRuns: [...(this.#props.openRuns ?? []), { runId, status, startedAt: minutesBefore(this.#props.now, minutesAgo) }] });
  }

  /** `gitops: none`: no Application at all, and the ReplicaSet history the undo reads (default: good revision 4, bad 5). */
  gitopsNone(): FakeFacts { return this.#with({ gitopsNone: true, noApplication: true, rollout: this.#props.rollout ?? FakeFacts.rolloutHistory() }); }
  /** The Deployment's ReplicaSets (newest first), for the rollout-undo mechanism. */
  rollout(over: Partial<RolloutHistory>): FakeFacts { return this.#with({ rollout: { ...(this.#props.rollout ?? FakeFacts.rolloutHistory()), ...over } }); }
  revertPolicy(mode: 'push' | 'review'): FakeFacts { return this.#with({ revert: mode }); }
  /** `autoSyncHold` in rewind.yaml. */
  autoSyncHold(preference: 'disable' | 'pin'): FakeFacts { return this.#with({ autoSyncHold: preference }); }

  /** catalog's ReplicaSets: 5 (bad, current), 4 (good), 2 (older). */
  static rolloutHistory(): RolloutHistory {
    const rs = (revision: number, image: string, current = false): ReplicaSetRevision => ({
      revision, replicaSet: `catalog-${revision}a${revision}b${revision}`, images: [{ container: 'catalog', image }], matchesCurrent: current,
    });
    return { revisions: [rs(5, SEED.badImage, true), rs(4, SEED.goodImage), rs(2, `ghcr.io/acme/catalog@sha256:${'0ld0'.repeat(16)}`)], revisionHistoryLimit: 10, paused: false, generation: 7 };
  }

  /** The newest entry landed this many minutes before now. */
  deployedMinutesAgo(minutes: number): FakeFacts {
    const h = [...this.#props.history];
    const last = h.pop();
    return last ? this.#with({ history: [...h, { ...last, minutesAgo: minutes }] }) : this;
  }

  /** Step 0's answer; `none` (or no paths) means no migration changed. */
  migrations(verdict: MigrationVerdict | 'none', ...paths: string[]): FakeFacts {
    const files = paths.map((path) => ({ path, verdict: verdict === 'none' ? 'safe' as const : verdict, reasons: verdict === 'unsafe' ? ['DROP COLUMN'] : [] }));
    return this.#with({ migrations: { verdict: files.length ? verdict : 'none', files } });
  }

  /** `apps[].database` in rewind.yaml (by reference), and how a down migration is confirmed. */
  database(downMigrations: 'confirm' | 'auto' = 'confirm', reference = 'env DATABASE_URL'): FakeFacts {
    return this.#with({ database: { reference, downMigrations } });
  }

  /** Step 0's window file by file (with their down migrations), its verdict the worst of them. */
  migrationFiles(...files: MigrationWindow['files']): FakeFacts {
    const order = ['safe', 'review', 'error', 'unsafe'] as const;
    const verdict = files.reduce<MigrationVerdict | 'none'>((w, f) => (w === 'none' || order.indexOf(f.verdict) > order.indexOf(w) ? f.verdict : w), 'none');
    return this.#with({ migrations: { verdict, files } });
  }

  /** `--fix REF`: a fix commit (default: an image bump that keeps the schema, hash f1x0c0d). */
  fix(ref = 'fix/catalog-sku', over: Partial<FixRevision> = {}): FakeFacts {
    return this.#with({
      fix: { ref, revision: fullHash('f1x0c0d'), migrations: { verdict: 'none', files: [] }, diagnosis: { kinds: ['image-digest'], files: ['apps/catalog/us-east/kustomization.yaml'], images: [], commits: [] }, images: [`ghcr.io/acme/catalog@sha256:${'f1x0'.repeat(16)}`], ...over },
    });
  }

  /** Step 2's classification; image changes are kept only when an image kind remains. */
  changed(...kinds: ChangeKind[]): FakeFacts {
    const d = this.#props.diagnosis;
    const images = kinds.some((k) => k === 'image-digest' || k === 'image-tag') ? d.images : [];
    return this.#with({ diagnosis: { ...d, kinds, images } });
  }

  /** A rollback to 41 already happened (history 43 = a1b2c3d) and `--to 41` asks for it again. */
  alreadyOnTarget(): FakeFacts {
    return this.history([...SEED_HISTORY, { id: 43, revision: 'a1b2c3d', minutesAgo: 3 }]).requestTo(41);
  }

  /** 43 rolled back to a1b2c3d, then auto-sync re-applied d8f3c2a as 44 (the footgun): current is the bad one again. */
  previousRollback(): FakeFacts {
    return this.history([
      ...SEED_HISTORY.map((e) => (e.id === 42 ? { ...e, minutesAgo: 40 } : e)),
      { id: 43, revision: 'a1b2c3d', minutesAgo: 30 },
      { id: 44, revision: 'd8f3c2a', minutesAgo: 8, automated: true },
    ]);
  }

  build(): Facts {
    const p = this.#props;
    const history: HistoryEntry[] = [...p.history]
      .sort((a, b) => a.id - b.id)
      .map((e) => ({
        id: e.id,
        revision: fullHash(e.revision),
        deployedAt: minutesBefore(p.now, e.minutesAgo),
        ...(e.startedMinutesAgo !== undefined ? { deployStartedAt: minutesBefore(p.now, e.startedMinutesAgo) } : {}),
        initiatedBy: e.automated ? { automated: true } : { username: 'oncall' },
      }));
    const current = p.current ? fullHash(p.current) : history.at(-1)?.revision ?? '';
    const running = p.diagnosis.images[0]?.to ?? SEED.badImage;
    const facts: Facts = {
      app: {
        name: SEED.app,
        workload: { cluster: 'us-east', namespace: 'bookstore-platform-acme-books', kind: p.workloadKind, name: 'catalog' },
        repoPath: 'apps/catalog/us-east',
        migrations: 'apps/catalog/migrations/*.sql',
        severity: 'P1',
        slackChannel: '#bookstore-platform-status',
        flags: p.flags,
        ...(p.gitopsNone ? { gitops: 'none' as const } : {}),
        ...(p.revert ? { revert: p.revert } : {}),
        ...(p.autoSyncHold ? { autoSyncHold: p.autoSyncHold } : {}),
        ...(p.database ? { database: p.database } : {}),
      },
      now: p.now,
      ...(p.alertAt ? { alertAt: p.alertAt } : {}),
      ...(p.requestedId !== undefined ? { requestedId: p.requestedId } : {}),
      application: Fact.of(
        {
          name: SEED.app,
          project: 'bookstore',
          source: { repoURL: 'https://git.example/bookstore-platform-config.git', path: 'apps/catalog/us-east', targetRevision: 'main' },
          destination: { name: 'us-east', namespace: 'bookstore-platform-acme-books' },
          syncPolicy: { automated: p.autoSync ? { prune: true, selfHeal: true, enabled: true } : null },
          revisionHistoryLimit: 10,
          sync: { status: 'Synced', revision: current },
          health: { status: 'Healthy' },
          history,
          ...(p.operationRunning ? { operation: { phase: 'Running' as const, revision: current } } : {}),
          ...(p.failedSync ? { operation: { phase: 'Failed' as const, revision: p.failedSync, message: 'one or more objects failed to apply' } } : {}),
          images: [running],
          ...(p.owner ? { owner: p.owner } : {}),
          ...(p.hold ? { hold: { ok: true as const, hold: p.hold } } : {}),
        },
        SEED.appSource,
      ),
      workload: Fact.of(
        {
          ref: { cluster: 'us-east', namespace: 'bookstore-platform-acme-books', kind: p.workloadKind, name: 'catalog' },
          generation: 7, observedGeneration: 7, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, paused: false,
          images: [{ container: 'catalog', image: running }],
          conditions: [],
          pods: ['a', 'b', 'c'].map((s) => ({ pod: `catalog-7d9f8-${s}`, container: 'catalog', image: running, imageID: running, ready: true, restartCount: 0 })),
        },
        'kubernetes GET apps/v1 deployments/catalog, v1 pods -l app=catalog (us-east)',
      ),
      migrations: Fact.of(p.migrations, 'git diff a1b2c3d..d8f3c2a -- apps/catalog/migrations/*.sql'),
      diagnosis: Fact.of(p.diagnosis, 'git show d8f3c2a --stat'),
      ...(p.pruned ? { prunedRevisions: Fact.of(p.pruned, 'git cat-file -e') } : {}),
      ...(p.openRuns ? { openRuns: Fact.of(p.openRuns, 'journal (file store)') } : {}),
      ...(p.targetImages ? { targetImages: Fact.of(p.targetImages, 'git show a1b2c3d:apps/catalog/us-east/kustomization.yaml') } : {}),
      ...(p.fix ? { fix: Fact.of(p.fix, `git rev-parse ${p.fix.ref}; git diff d8f3c2a..${p.fix.revision.slice(0, 7)}`) } : {}),
      ...(p.flagEvidence ? { flagEvidence: Fact.of(p.flagEvidence, 'git diff -U1 a1b2c3d..d8f3c2a') } : {}),
      ...(p.rollout ? { rolloutHistory: Fact.of(p.rollout, 'kubernetes GET apps/v1 replicasets -l app=catalog (us-east)') } : {}),
    };
    if (p.noApplication) {
      const { application: _a, migrations: _m, diagnosis: _d, ...rest } = facts;
      return deepFreeze<Facts>(rest);
    }
    return deepFreeze(facts);
  }
}
