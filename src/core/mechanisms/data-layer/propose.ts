import { GitOpsFacts } from '../../facts.ts';
import type { PlanTarget } from '../../plan.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { assessDataLayer, formatMinutes, PITR_RUNBOOK } from './assess.ts';
import { downMigrationProposal } from './down-plan.ts';

/**
 * The guide's "DB migration involved? Apply down migration", asked before the code rollback (the
 * old binary must find a schema it can read): when Step 0 found an unsafe migration, either its
 * down files run first or, without one, the code rollback is refused and the data layer's runbook
 * (PITR) takes over, with the restore point and what it loses. Declines when the schema can stay.
 */
export const dataLayer: Mechanism = {
  name: 'data-layer',
  summary: 'apply the down migration or restore the database',
  propose({ facts, policy, lkg, checks }) {
    if (!GitOpsFacts.is(facts) || lkg === null) return Proposal.decline(`${facts.app.name} has no Argo CD history to place a restore point in`);
    const need = assessDataLayer(facts, lkg);
    if (need.kind === 'not-needed') return Proposal.decline(need.reason);
    const to: PlanTarget | null = lkg.ok ? { kind: 'argocd-history', historyId: lkg.entry.id, revision: lkg.entry.revision, deployedAt: lkg.entry.deployedAt } : null;
    const warnings = checks.flatMap((r) => r.warnings);
    // Step 0's own refusal says the same as the line below; the others (an operation running, …) still stand.
    const others = checks.filter((r) => r.check.id !== 'schema').flatMap((r) => r.refusals);
    const lost = `losing every write since then: ${formatMinutes(need.lostMinutes)}`;
    const paths = need.files.map((f) => (f.reasons.length ? `${f.path} (${f.reasons.join('; ')})` : f.path)).join(', ');
    if (need.kind === 'handoff') {
      const line = `data layer first: restore the database to ${need.restore.at} with ${PITR_RUNBOOK} (${lost}), or roll forward with --fix REV`;
      const why = `${paths} is unsafe for the old binary and has no down migration, so the code rollback is refused. Next: restore to ${need.restore.at} (${need.restore.claim}) following ${PITR_RUNBOOK}, then roll the code back; or, if a fix is faster to write and verify than the data implications, roll forward: rewind rollback ${facts.app.name} --fix REV`;
      return { kind: 'refuse', to, reasons: [line, why, ...others], warnings };
    }
    return downMigrationProposal({ facts, policy, lkg, checks }, need);
  },
};
