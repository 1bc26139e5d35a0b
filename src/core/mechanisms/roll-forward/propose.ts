import { runningRevision, shortHash } from '../../domain.ts';
import { GitOpsFacts } from '../../facts.ts';
import type { PlanTarget } from '../../plan.ts';
import { assessDataLayer, formatMinutes } from '../data-layer/assess.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { rollForwardSteps } from './steps.ts';

/**
 * The guide's framework as code. Rule 1: the previous version is known-good and no fix is ready:
 * roll back (this declines). Rule 2: rolling back needs an unsafe data change (Step 0 found an
 * unsafe migration) and a fix is named (`--fix REV`): roll forward, the fix checked like any
 * revision (its own migrations through Step 0, its diff classified). Rule 3 (a flag's blast
 * radius) is the feature-flag mechanism, asked first.
 */
export const rollForward: Mechanism = {
  name: 'roll-forward',
  summary: 'ship a named fix instead of rolling back',
  propose({ facts, policy, lkg, checks }) {
    const fixFact = facts.fix;
    if (fixFact === undefined) return Proposal.decline('no fix revision was named (--fix REV): while the previous version is known-good and no fix is ready, roll back (the guide\'s first rule)');
    const fix = fixFact.value;
    if (!GitOpsFacts.is(facts) || lkg === null) return Proposal.decline(`a fix ships through Argo CD, and ${facts.app.name} has no Argo CD Application`);
    const need = assessDataLayer(facts, lkg);
    if (need.kind === 'not-needed') {
      return Proposal.decline(`a fix was named (${fix.ref}), but rolling back needs no unsafe data change (${need.reason}): the previous version is known-good, so roll back (the guide's first rule)`);
    }
    const app = facts.application.value;
    const to: PlanTarget = { kind: 'fix-revision', revision: fix.revision, ref: fix.ref, historyId: null };
    if (runningRevision(app) === fix.revision) return { kind: 'noop', to, reason: `${app.name} already runs the fix ${fix.ref} (${shortHash(fix.revision)})` };
    const warnings = checks.flatMap((r) => r.warnings);
    const refusals = [
      // Step 0 and the data layer judged the rollback's window; the fix's own window is judged below.
      ...checks.filter((r) => r.check.id !== 'schema' && r.check.id !== 'data-layer' && r.check.id !== 'last-known-good').flatMap((r) => r.refusals),
      ...fixRefusals(fix, policy.migrationReview),
    ];
    if (app.owner) refusals.push(`${app.name} is managed by ${app.owner.kind} ${app.owner.name}: rolling forward under an owner is not built yet; ship ${fix.ref} through the owner's source`);
    if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
    const paths = need.files.map((f) => f.path).join(', ');
    const why = need.kind === 'handoff'
      ? `${paths} has no down migration (a restore to ${need.restore.at} would lose ${formatMinutes(need.lostMinutes)} of writes)`
      : `${paths} would need its down migration run`;
    return {
      kind: 'plan', to, warnings,
      steps: rollForwardSteps(facts, policy, fix, fixFact.source),
      reasons: [
        `roll forward to ${fix.ref} (${shortHash(fix.revision)}): rolling back needs an unsafe data change (${why}) and a fix is named (the guide's second rule)`,
        `the fix keeps the schema: Step 0 on ${shortHash(runningRevision(app))}..${shortHash(fix.revision)} says ${fix.migrations.verdict === 'none' ? 'no migration changed' : fix.migrations.verdict}; it changes ${fix.diagnosis.kinds.join(', ') || 'nothing Step 2 classifies'}`,
      ],
    };
  },
};

function fixRefusals(fix: { ref: string; migrations: { verdict: string; files: readonly { path: string; verdict: string; reasons: readonly string[] }[] } }, review: 'block' | 'warn'): string[] {
  const v = fix.migrations.verdict;
  const list = (verdict: string) => fix.migrations.files.filter((f) => f.verdict === verdict).map((f) => `${f.path}${f.reasons.length ? ` (${f.reasons.join('; ')})` : ''}`).join(', ');
  if (v === 'unsafe') return [`the fix ${fix.ref} ships an unsafe migration itself (${list('unsafe')}): it cannot be shipped as a mitigation. Next: a fix that keeps the schema, or the data layer`];
  if (v === 'error') return [`Step 0 could not judge the fix's migrations (${list('error')}): nothing was checked. Next: read them by hand`];
  if (v === 'review' && review === 'block') return [`the fix ${fix.ref} ships a migration that needs review (${list('review')}). Next: review it, or policy migrationReview: warn`];
  return [];
}
