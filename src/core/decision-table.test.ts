import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { defaultPolicy, type Policy } from './facts.ts';
import type { Plan } from './plan.ts';
import { FakeFacts } from '../testing/fake-facts.ts';
import type { DeclaredFlag, FlagEvidence, FlagState } from './flags/types.ts';

const FLAG_FILE = 'apps/catalog/us-east/flags.flagd.json';
const SEARCH_FLAG: DeclaredFlag = { key: 'catalog.new-search', provider: 'flagd', gates: ['apps/catalog/us-east/search-*.yaml'], flagd: { file: FLAG_FILE, configMap: 'catalog-flags' } };
const flagOn: FlagState = { key: 'catalog.new-search', on: true, defaultVariant: 'on', targeting: false, offVariant: 'off', source: `git show main:${FLAG_FILE}`, snapshot: '{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on"}' };
/** The release only turned the declared flag on. */
const flagTurnedOn = (): FlagEvidence => ({
  range: 'a1b2c3d..d8f3c2a',
  hunks: [{ path: FLAG_FILE, header: '@@ -3 +3 @@', lines: [{ op: '-', text: '"defaultVariant": "off"' }, { op: '+', text: '"defaultVariant": "on"' }] }],
  changes: [{ key: 'catalog.new-search', file: FLAG_FILE, before: { ...flagOn, on: false, defaultVariant: 'off' }, after: flagOn, definitionChanged: true }],
  otherChanges: [],
  live: [{ key: 'catalog.new-search', state: flagOn }],
});
/** Step 2's config-only change, every hunk in a file the flag gates. */
const gatedConfigChange = (): FlagEvidence => ({
  range: 'a1b2c3d..d8f3c2a',
  hunks: [{ path: 'apps/catalog/us-east/search-backend.yaml', header: '@@ -4 +4 @@', lines: [{ op: '-', text: 'backend: solr' }, { op: '+', text: 'backend: vespa' }] }],
  changes: [],
  otherChanges: [],
  live: [{ key: 'catalog.new-search', state: flagOn }],
});

/**
 * The decision core as a whole, one row per branch of both seeds' trees and per row of the
 * guide's troubleshooting table (Argo Rollouts rows: decision-table.rollouts.test.ts). Each row
 * names where it comes from: `runbook` is the Argo CD code-rollback runbook (Step 0 … 3d, its
 * false starts), `guide` the rollback guide (its tree, its three rules, its troubleshooting table).
 */
interface Row {
  readonly branch: string;
  readonly facts: FakeFacts;
  readonly policy?: Partial<Policy>;
  readonly decision: Plan['decision'];
  /** The mechanism that decided; `undefined`: not asserted (another issue may still change it). */
  readonly mechanism?: string | null;
  /** A pattern the plan's reasons (joined) must match. */
  readonly reason?: RegExp;
  /** Pre-flight check id → status. */
  readonly checks?: Readonly<Record<string, string>>;
  /** Step kinds the plan must contain, in this order (others may sit between). */
  readonly steps?: readonly string[];
  /** Step kinds the plan must not contain. */
  readonly without?: readonly string[];
  /** Mechanism → pattern its rejection reason must match. */
  readonly rejected?: Readonly<Record<string, RegExp>>;
  readonly extra?: (plan: Plan) => void;
}

const seed = () => FakeFacts.seed();
const DROP = 'apps/catalog/migrations/0042_drop_sku.sql';
const dropFile = (down?: { exists: boolean; drops?: string[]; sql?: string; blockers?: string[] }) => ({
  path: DROP, verdict: 'unsafe' as const, reasons: ['drop-column (RW101) at line 1: the old binary still selects catalog_items.legacy_sku'],
  ...(down ? { down: { path: 'apps/catalog/migrations/0042_drop_sku.down.sql', exists: down.exists, drops: down.drops ?? [], ...(down.sql !== undefined ? { sql: down.sql } : {}), ...(down.blockers ? { blockers: down.blockers } : {}) } } : {}),
});
const withStart = () => seed().history([
  { id: 40, revision: '9e8d7c6', minutesAgo: 1248 },
  { id: 41, revision: 'a1b2c3d', minutesAgo: 201 },
  { id: 42, revision: 'd8f3c2a', minutesAgo: 8, startedMinutesAgo: 9, automated: true },
]);
const CODE_ROLLBACK = ['argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert', 'argocd.restore-sync-policy'];

const rows: readonly Row[] = [
  // The runbook: pre-flight and Step 0.
  { branch: 'runbook Step 0: the migration diff is empty -> safe to code rollback', facts: seed(), decision: 'rollback', mechanism: 'argocd-rollback', checks: { schema: 'pass' }, steps: CODE_ROLLBACK, rejected: { 'data-layer': /no migration shipped/ } },
  {
    branch: 'runbook Step 0: ADD COLUMN / ADD TABLE -> backwards-compatible, roll code back',
    facts: seed().migrations('safe', 'apps/catalog/migrations/0042_add_note.sql'), decision: 'rollback', mechanism: 'argocd-rollback',
    checks: { schema: 'pass' }, rejected: { 'data-layer': /safe for the old binary: the schema can stay/ },
  },
  {
    branch: 'runbook Step 0: DROP COLUMN without a down -> stop here, open data-rollback-postgres-pitr.md (restore point and lost writes as evidence)',
    facts: withStart().migrationFiles(dropFile({ exists: false })), decision: 'refuse', mechanism: 'data-layer',
    reason: /^data layer first: restore the database to 2026-05-20T14:21:13\.000Z with data-rollback-postgres-pitr\.md \(losing every write since then: 9 min\), or roll forward with --fix REV/,
    checks: { schema: 'fail', 'data-layer': 'fail' },
    rejected: { 'argocd-rollback': /would refuse: Step 0: unsafe migration shipped/, 'roll-forward': /no fix revision was named/ },
    extra: (plan) => {
      const ev = plan.preflight.find((c) => c.id === 'data-layer')?.evidence ?? [];
      assert.ok(ev.some((e) => /^restore point 2026-05-20T14:21:13\.000Z: the sync of history 42 \(d8f3c2a\) began at/.test(e.claim) && e.source.startsWith('argocd GET')), JSON.stringify(ev));
      assert.ok(ev.some((e) => /no down file \(apps\/catalog\/migrations\/0042_drop_sku\.down\.sql does not exist\)/.test(e.claim)));
    },
  },
  {
    branch: 'runbook Step 0: unsafe, Argo CD did not record when the bad sync began -> the last-known-good deploy is the restore point',
    facts: seed().migrationFiles(dropFile()), decision: 'refuse', mechanism: 'data-layer',
    reason: /restore the database to 2026-05-20T11:09:13\.000Z .*losing every write since then: 3 h 21 min/,
    extra: (plan) => assert.match(plan.reasons.join('\n'), /history 41 \(a1b2c3d, last-known-good\) finished deploying at 2026-05-20T11:09:13\.000Z; when the migration started is not recorded/),
  },
  {
    branch: 'guide: DB migration involved? Apply down migration -> snapshot, down, then the code rollback (the down before the old binary meets the new schema)',
    facts: withStart().migrationFiles(dropFile({ exists: true, sql: 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text;' })).database(), decision: 'rollback', mechanism: 'data-layer',
    reason: /^data layer first: run the down migration \(apps\/catalog\/migrations\/0042_drop_sku\.down\.sql\), then roll the code back to a1b2c3d/,
    checks: { 'data-layer': 'warn', schema: 'fail' },
    steps: ['argocd.write-hold', 'argocd.disable-auto-sync', 'db.snapshot-schema', 'db.down-migration', 'argocd.rollback', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-revert'],
    rejected: { 'argocd-rollback': /Step 0: unsafe migration shipped/ },
    extra: (plan) => {
      const down = plan.steps.find((s) => s.kind === 'db.down-migration');
      assert.deepEqual(down?.params, { path: 'apps/catalog/migrations/0042_drop_sku.down.sql', sql: 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text;', atomic: true, drops: [], confirmation: 'confirm' });
      assert.match(down?.title ?? '', /in one transaction/);
      assert.match(plan.reasons.join('\n'), /window: from the down migration until a1b2c3d has rolled out \(about \d+ s by the plan's estimates\), the running bad binary \(d8f3c2a\) faces the old schema/);
      assert.match(plan.reasons.join('\n'), /needs --confirm-down-migration \(even with --yes\)/);
      assert.ok(!JSON.stringify(plan).includes('postgres://'), 'the plan names the reference, never a URL');
      assert.equal(plan.steps.find((s) => s.kind === 'db.snapshot-schema')?.target, 'database of bookstore-catalog-us-east (env DATABASE_URL)');
    },
  },
  {
    branch: 'guide: a down migration that drops data says so (in the plan, as evidence, from the analyzer)',
    facts: withStart().migrationFiles(dropFile({ exists: true, drops: ['column catalog_items.legacy_sku_v2'], sql: 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text; ALTER TABLE catalog_items DROP COLUMN legacy_sku_v2;' })).database('auto'), decision: 'rollback', mechanism: 'data-layer',
    extra: (plan) => {
      assert.match(plan.preflight.find((c) => c.id === 'data-layer')?.detail ?? '', /drops column catalog_items\.legacy_sku_v2/);
      const down = plan.steps.find((s) => s.kind === 'db.down-migration');
      assert.ok(down?.evidence.some((e) => /drops column catalog_items\.legacy_sku_v2 \(data written there since the release is lost\)/.test(e.claim)), JSON.stringify(down?.evidence));
      assert.match(plan.warnings.join('\n'), /the down migration drops column catalog_items\.legacy_sku_v2/);
      assert.match(plan.reasons.join('\n'), /downMigrations is auto/);
      assert.equal((down?.params as { confirmation: string }).confirmation, 'auto');
    },
  },
  {
    branch: 'guide: a down migration PostgreSQL cannot run in a transaction -> statement by statement, and the plan says so',
    facts: withStart().migrationFiles(dropFile({ exists: true, sql: 'CREATE INDEX CONCURRENTLY i ON catalog_items (sku);', blockers: ['CREATE INDEX CONCURRENTLY'] })).database(), decision: 'rollback', mechanism: 'data-layer',
    reason: /runs statement by statement \(PostgreSQL refuses CREATE INDEX CONCURRENTLY in a transaction\)/,
    extra: (plan) => assert.match(plan.steps.find((s) => s.kind === 'db.down-migration')?.title ?? '', /statement by statement/),
  },
  {
    branch: 'guide: a down migration exists but no database is configured -> refuse, naming apps[].database',
    facts: withStart().migrationFiles(dropFile({ exists: true, sql: 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text;' })), decision: 'refuse', mechanism: 'data-layer',
    reason: /data layer first: the down migration \(apps\/catalog\/migrations\/0042_drop_sku\.down\.sql\) must run before the code rollback, and bookstore-catalog-us-east has no database configured[\s\S]*apps\[\]\.database\.urlEnv/,
    checks: { 'data-layer': 'warn' },
  },
  {
    branch: 'guide: a down migration, but another refusal stands (an operation running) -> refused all the same',
    facts: withStart().migrationFiles(dropFile({ exists: true, sql: 'ALTER TABLE catalog_items ADD COLUMN legacy_sku text;' })).database().operationRunning(), decision: 'refuse', mechanism: 'data-layer',
    reason: /the rollback itself is refused/,
    without: ['db.down-migration'],
  },
  {
    branch: 'runbook Step 0: a migration that needs review blocks by default',
    facts: seed().migrations('review', 'apps/catalog/migrations/0042_backfill.sql'), decision: 'refuse', mechanism: 'argocd-rollback',
    reason: /needs review/, checks: { schema: 'fail' }, rejected: { 'data-layer': /not known unsafe/ },
  },
  {
    branch: 'runbook Step 0: review with policy migrationReview=warn -> roll back with the warning',
    facts: seed().migrations('review', 'apps/catalog/migrations/0042_backfill.sql'), policy: { migrationReview: 'warn' }, decision: 'rollback', mechanism: 'argocd-rollback', checks: { schema: 'warn' },
  },
  { branch: 'runbook Step 0: a migration the analyzer cannot parse -> nothing was checked, refuse', facts: seed().migrations('error', 'apps/catalog/migrations/0042_x.sql'), decision: 'refuse', mechanism: 'argocd-rollback', reason: /could not judge/ },
  {
    branch: 'runbook Step 0: policy migrationGate=any-change -> any changed migration blocks',
    facts: seed().migrations('safe', 'apps/catalog/migrations/0042_add_note.sql'), policy: { migrationGate: 'any-change' }, decision: 'refuse', mechanism: 'argocd-rollback', reason: /any changed migration blocks/,
  },
  // The runbook: pre-flight 2 and 3, Step 1's correlation.
  { branch: 'runbook pre-flight: the last-known-good is history 41 (the revision before the current)', facts: seed(), decision: 'rollback', extra: (plan) => assert.equal(plan.to?.historyId, 41) },
  { branch: 'runbook pre-flight: only one history entry -> no last-known-good, refuse', facts: seed().history([{ id: 42, revision: 'd8f3c2a', minutesAgo: 8 }]), decision: 'refuse', checks: { 'last-known-good': 'fail' } },
  { branch: 'runbook pre-flight: the target revision was pruned from the repo -> refuse', facts: seed().pruned('a1b2c3d'), decision: 'refuse', mechanism: 'argocd-rollback' },
  { branch: 'runbook pre-flight: auto-sync ON -> disable it first (3a)', facts: seed(), decision: 'rollback', steps: ['argocd.disable-auto-sync', 'argocd.rollback'], checks: { 'sync-mode': 'warn' } },
  { branch: 'runbook pre-flight: auto-sync already off -> roll back directly, sync to the branch after the revert', facts: seed().autoSync(false), decision: 'rollback', steps: ['argocd.rollback', 'followup.await-revert', 'argocd.sync-to-branch'], without: ['argocd.disable-auto-sync'] },
  { branch: 'runbook Step 1: the sync landed 8 min before the alert window -> correlated', facts: seed(), decision: 'rollback', checks: { correlation: 'pass' } },
  { branch: 'runbook Step 1: an Argo CD operation already running -> refuse', facts: seed().operationRunning(), decision: 'refuse', mechanism: 'argocd-rollback', checks: { operation: 'fail' } },
  // The runbook: Step 2, Step 3, false starts.
  {
    branch: 'runbook Step 2: only app config changed and a flag covers it -> the flag is considered first',
    facts: seed().changed('config-only').flag(SEARCH_FLAG).flagEvidence(gatedConfigChange()), decision: 'rollback', mechanism: 'feature-flag',
    steps: ['flag.off', 'flag.wait-applied', 'verify.metrics'], rejected: { 'argocd-rollback': /./ },
  },
  { branch: 'runbook Step 3c: verify the digest and the metric', facts: seed(), decision: 'rollback', steps: ['argocd.wait-healthy', 'verify.digest', 'verify.metrics'] },
  { branch: 'runbook Step 3d: auto-sync comes back only after the revert', facts: seed(), decision: 'rollback', steps: ['followup.await-revert', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.release-hold'] },
  {
    branch: 'runbook false start: rollback reported success but auto-sync re-applied the bad revision -> roll back again, auto-sync off first',
    facts: seed().previousRollback(), decision: 'rollback', mechanism: 'argocd-rollback', steps: ['argocd.disable-auto-sync', 'argocd.rollback'],
    extra: (plan) => assert.equal(plan.to?.revision.slice(0, 7), 'a1b2c3d'),
  },
  { branch: 'runbook: the app already runs the last-known-good -> nothing to do', facts: seed().alreadyOnTarget(), decision: 'noop', mechanism: 'argocd-rollback' },
  { branch: 'runbook: another run holds the app -> refuse', facts: seed().heldBy('20260520-140000-other'), decision: 'refuse' },
  // The guide's tree.
  {
    branch: 'guide tree: a feature flag covers the change -> flip the flag',
    facts: seed().flag(SEARCH_FLAG).flagEvidence(flagTurnedOn()), decision: 'rollback', mechanism: 'feature-flag',
    steps: ['flag.off', 'flag.wait-applied', 'verify.metrics'], without: ['argocd.rollback'],
  },
  { branch: 'guide tree: no flag -> Argo CD sync to the prior Git revision', facts: seed(), decision: 'rollback', mechanism: 'argocd-rollback', rejected: { 'feature-flag': /no feature flag/ } },
  { branch: 'guide tree: no GitOps -> kubectl rollout undo directly', facts: seed().gitopsNone(), decision: 'rollback', mechanism: 'rollout-undo', steps: ['kube.rollout-undo', 'kube.wait-rollout', 'verify.digest'] },
  { branch: 'guide tree: DB migration involved -> the data layer answers before the code rollback', facts: seed().migrations('unsafe', DROP), decision: 'refuse', mechanism: 'data-layer' },
  // The guide's three rules.
  { branch: 'guide rule 1: previous version known-good, no fix ready -> rollback', facts: seed(), decision: 'rollback', mechanism: 'argocd-rollback', rejected: { 'roll-forward': /no fix revision was named.*roll back/ } },
  { branch: 'guide rule 2: rolling back needs an unsafe data change, no fix named -> roll forward recommended, not executed', facts: seed().migrations('unsafe', DROP), decision: 'refuse', mechanism: 'data-layer', reason: /roll forward with --fix REV/ },
  {
    branch: 'guide rule 2: rolling back needs an unsafe data change and a fix is named -> roll forward through Argo CD, auto-sync held',
    facts: withStart().migrations('unsafe', DROP).fix(), decision: 'rollback', mechanism: 'roll-forward',
    reason: /^roll forward to fix\/catalog-sku \(f1x0c0d\): rolling back needs an unsafe data change .*the guide's second rule/,
    steps: ['argocd.preflight-fix', 'argocd.write-hold', 'argocd.disable-auto-sync', 'argocd.sync-fix', 'argocd.wait-healthy', 'verify.digest', 'verify.metrics', 'followup.await-fix-merged', 'argocd.await-branch-head', 'argocd.restore-sync-policy', 'argocd.wait-synced-to-branch', 'argocd.release-hold'],
    without: ['argocd.rollback'],
    rejected: { 'data-layer': /would refuse: data layer first/, 'argocd-rollback': /would refuse/ },
    extra: (plan) => {
      assert.deepEqual(plan.to, { kind: 'fix-revision', revision: 'f1x0c0d'.padEnd(40, 'f1x0c0d'), ref: 'fix/catalog-sku', historyId: null });
      assert.deepEqual(plan.steps.find((s) => s.kind === 'argocd.sync-fix')?.params, { revision: 'f1x0c0d'.padEnd(40, 'f1x0c0d'), prune: true });
      assert.deepEqual(plan.steps.find((s) => s.kind === 'verify.digest')?.params, { expectedImages: [`ghcr.io/acme/catalog@sha256:${'f1x0'.repeat(16)}`] });
    },
  },
  {
    branch: 'guide rule 2: the fix is checked like any revision -> a fix that ships an unsafe migration itself is refused',
    facts: seed().migrations('unsafe', DROP).fix('fix/bad', { migrations: { verdict: 'unsafe', files: [{ path: 'apps/catalog/migrations/0043_drop_more.sql', verdict: 'unsafe', reasons: ['DROP TABLE'] }] } }),
    decision: 'refuse', mechanism: 'roll-forward', reason: /the fix fix\/bad ships an unsafe migration itself \(apps\/catalog\/migrations\/0043_drop_more\.sql \(DROP TABLE\)\)/,
  },
  {
    branch: 'guide rule 1 over a named fix: no unsafe data change -> roll back anyway (the previous version is known-good)',
    facts: seed().fix(), decision: 'rollback', mechanism: 'argocd-rollback', rejected: { 'roll-forward': /a fix was named \(fix\/catalog-sku\), but rolling back needs no unsafe data change/ },
  },
  // The guide's troubleshooting table (Argo Rollouts rows: decision-table.rollouts.test.ts).
  {
    branch: 'guide troubleshooting: rollout undo has nowhere to revert to -> revisionHistoryLimit named',
    facts: seed().gitopsNone().rollout({ revisions: [FakeFacts.rolloutHistory().revisions[0]!], revisionHistoryLimit: 0 }), decision: 'refuse', mechanism: 'rollout-undo', reason: /revisionHistoryLimit=0/,
  },
  {
    branch: 'guide troubleshooting: manual rollback keeps getting reverted (self-heal) -> self-heal is turned off before the rollback, with the policy as evidence',
    facts: seed(), decision: 'rollback', steps: ['argocd.disable-auto-sync', 'argocd.rollback'],
    extra: (plan) => assert.match(JSON.stringify(plan.steps.find((s) => s.kind === 'argocd.disable-auto-sync')?.evidence), /selfHeal/),
  },
  {
    branch: 'guide troubleshooting: rollback succeeded but errors continue -> the DB migration needs addressing (app-layer rollback alone insufficient)',
    facts: withStart().migrations('unsafe', DROP), decision: 'refuse', mechanism: 'data-layer', checks: { 'data-layer': 'fail' },
    extra: (plan) => assert.match(plan.reasons[1] ?? '', /unsafe for the old binary.*code rollback is refused/),
  },
];

describe('the decision table (both seeds, the guide\'s troubleshooting rows)', () => {
  for (const row of rows) {
    it(row.branch, () => {
      const plan = decide(row.facts.build(), { ...defaultPolicy, ...row.policy });
      assert.equal(plan.decision, row.decision, plan.reasons.join(' | '));
      if (row.mechanism !== undefined) assert.equal(plan.mechanism, row.mechanism);
      if (row.reason) assert.match(plan.reasons.join('\n'), row.reason);
      for (const [id, status] of Object.entries(row.checks ?? {})) assert.equal(plan.preflight.find((c) => c.id === id)?.status, status, `check ${id}`);
      const kinds = plan.steps.map((s) => s.kind);
      let at = -1;
      for (const k of row.steps ?? []) {
        const i = kinds.indexOf(k, at + 1);
        assert.ok(i > at, `${k} after ${kinds[at] ?? 'the start'} in ${kinds.join(', ')}`);
        at = i;
      }
      for (const k of row.without ?? []) assert.ok(!kinds.includes(k), `${k} not in ${kinds.join(', ')}`);
      for (const [m, re] of Object.entries(row.rejected ?? {})) assert.match(plan.rejected.find((r) => r.mechanism === m)?.reason ?? '', re, m);
      row.extra?.(plan);
    });
  }
});
