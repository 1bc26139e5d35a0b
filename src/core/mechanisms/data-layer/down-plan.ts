import { runningRevision, shortHash, type MigrationDown } from '../../domain.ts';
import type { GitOpsFacts, Policy } from '../../facts.ts';
import type { LastKnownGood } from '../../last-known-good.ts';
import type { Evidence, PlanStep } from '../../plan.ts';
import type { PreflightResult } from '../../preflight/types.ts';
import { dbDownMigration, dbSnapshotSchema } from '../../steps/db-steps.ts';
import { makeStep } from '../../steps/step-definition.ts';
import { argocdRollback } from '../argocd-rollback/propose.ts';
import type { Proposal } from '../mechanism.ts';
import { formatMinutes, type DataLayerNeed } from './assess.ts';

type DownNeed = Extract<DataLayerNeed, { kind: 'down' }>;
type DownFile = DownNeed['files'][number];

/** The kinds that start the code rollback: the down steps go right before the first of them. */
const ROLLBACK_STARTS = new Set(['argocd.pin-target-revision', 'argocd.rollback']);

/**
 * The guide's "DB migration involved? Apply down migration" as steps: the Argo CD rollback's own
 * plan (argocd-rollback/steps.ts: hold, auto-sync held, rollback, verification, follow-up), with
 * `db.snapshot-schema` and one `db.down-migration` per unsafe file inserted after the holds and
 * before the rollback: the old binary cannot run on the new schema, so the schema goes back
 * first, and the bad binary (still running) faces the old schema until the rollback has rolled out.
 */
export function downMigrationProposal(input: { facts: GitOpsFacts; policy: Policy; lkg: LastKnownGood; checks: readonly PreflightResult[] }, need: DownNeed): Proposal {
  const { facts, policy, lkg } = input;
  const to = lkg.ok ? { kind: 'argocd-history' as const, historyId: lkg.entry.id, revision: lkg.entry.revision, deployedAt: lkg.entry.deployedAt } : null;
  const downs = need.files.map((f) => f.down.path).join(', ');
  const db = facts.app.database;
  const warnings = input.checks.flatMap((r) => r.warnings);
  if (db === undefined) {
    return {
      kind: 'refuse', to, warnings,
      reasons: [
        `data layer first: the down migration (${downs}) must run before the code rollback, and ${facts.app.name} has no database configured`,
        `Next: set apps[].database.urlEnv (or urlFile) for ${facts.app.name} in rewind.yaml so rewind can run it, or run ${downs} against the app's database by hand, then roll the code back`,
      ],
    };
  }
  const unreadable = need.files.filter((f) => f.down.sql === undefined);
  if (unreadable.length > 0) {
    return { kind: 'refuse', to, warnings, reasons: [`data layer first: ${unreadable.map((f) => f.down.path).join(', ')} could not be read from the config repo, so there is nothing to run. Next: run it by hand, then roll back`] };
  }
  // Step 0 refused because of the unsafe migration; with its down in the plan, that refusal is what the steps answer.
  const checks = input.checks.filter((r) => r.check.id !== 'schema' && r.check.id !== 'data-layer');
  const code = argocdRollback.propose({ facts, policy, lkg, checks });
  if (code.kind !== 'plan') {
    if (code.kind === 'refuse') return { ...code, reasons: [`data layer first: the down migration (${downs}) would run before the code rollback, but the rollback itself is refused`, ...code.reasons] };
    return code;
  }
  const dbSteps = downSteps(facts, policy, need.files, db);
  const at = code.steps.findIndex((s) => ROLLBACK_STARTS.has(s.kind));
  const steps: PlanStep[] = at < 0 ? [...code.steps] : [...code.steps.slice(0, at), ...dbSteps, ...code.steps.slice(at)];
  const app = facts.application.value;
  const bad = shortHash(runningRevision(app));
  const good = shortHash(lkg.ok ? lkg.entry.revision : '');
  const end = steps.findIndex((s) => s.kind === 'argocd.wait-healthy');
  const start = steps.findIndex((s) => s.kind === 'db.down-migration');
  const windowSeconds = steps.slice(start, end + 1).reduce((n, s) => n + s.expectedSeconds, 0);
  const drops = need.files.flatMap((f) => f.down.drops);
  const perStatement = need.files.filter((f) => (f.down.blockers ?? []).length > 0);
  return {
    kind: 'plan', to: code.to, warnings: [...code.warnings, ...(drops.length ? [`the down migration drops ${drops.join(', ')}: whatever was written there since the release is lost`] : [])],
    reasons: [
      `data layer first: run the down migration (${downs}), then roll the code back to ${good}: ${need.files.map((f) => f.path).join(', ')} is unsafe for the old binary`,
      `window: from the down migration until ${good} has rolled out (about ${windowSeconds} s by the plan's estimates), the running bad binary (${bad}) faces the old schema`,
      ...(perStatement.length ? [`${perStatement.map((f) => `${f.down.path} runs statement by statement (PostgreSQL refuses ${(f.down.blockers ?? []).join(', ')} in a transaction): a failure leaves the statements before it applied`).join('; ')}`] : []),
      db.downMigrations === 'confirm' ? 'needs --confirm-down-migration (even with --yes): apps[].database.downMigrations is confirm' : 'apps[].database.downMigrations is auto: the down migration runs with the plan',
      `a restore to ${need.restore.at} instead would lose every write since then: ${formatMinutes(need.lostMinutes)}`,
      ...code.reasons,
    ],
    steps,
  };
}

function downSteps(facts: GitOpsFacts, policy: Policy, files: readonly DownFile[], db: NonNullable<GitOpsFacts['app']['database']>): PlanStep[] {
  const source = facts.migrations?.source ?? 'Step 0';
  const target = `database of ${facts.app.name} (${db.reference})`;
  const judged = (d: MigrationDown & { path: string }): Evidence => ({
    claim: `${d.path}: ${d.drops.length ? `drops ${d.drops.join(', ')} (data written there since the release is lost)` : 'drops nothing'}; ${(d.blockers ?? []).length ? `not transactional (${(d.blockers ?? []).join(', ')})` : 'every statement allows one transaction'}`,
    source,
  });
  return [
    makeStep(dbSnapshotSchema, {
      title: 'Record the database schema in the journal before the down migration', target,
      checks: ['columns, indexes and constraints from the catalog are journaled'],
      evidence: [{ claim: `the URL is read from ${db.reference}`, source: 'rewind.yaml apps[].database' }],
    }, { reference: db.reference }, policy.expectedSeconds[dbSnapshotSchema.kind]),
    ...files.map((f) => {
      const atomic = (f.down.blockers ?? []).length === 0;
      return makeStep(dbDownMigration, {
        title: `Run the down migration ${f.down.path} ${atomic ? 'in one transaction' : 'statement by statement'} (before the code rollback: the old binary cannot run on the new schema)`,
        target,
        checks: [atomic ? 'all statements commit together, or none does' : 'each statement commits with its marker; a failure leaves the ones before it', 'a marker records what this run applied: a resume never runs it twice', 'the schema after is journaled with what changed'],
        evidence: [judged(f.down), { claim: `${f.path} is unsafe: ${f.reasons.join('; ') || 'see Step 0'}`, source }],
      }, { path: f.down.path, sql: f.down.sql ?? '', atomic, drops: [...f.down.drops], confirmation: db.downMigrations }, policy.expectedSeconds[dbDownMigration.kind]);
    }),
  ];
}
