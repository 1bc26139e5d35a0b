import { deployedRevision, shortHash } from '../../domain.ts';
import { GitOpsFacts } from '../../facts.ts';
import { flagCoverage } from '../../flags/coverage.ts';
import type { DeclaredFlag, FlagState } from '../../flags/types.ts';
import { Proposal, type Mechanism } from '../mechanism.ts';
import { flagSteps } from './steps.ts';

/** Pre-flight answers that stop a flag flip as much as a rollback (another run, a running operation). */
// Holds and open runs (pre-flight's open-run) are decide()'s first word for every mechanism (hold-gate.ts).
const BLOCKING_CHECKS = new Set(['operation']);

/**
 * The decision tree's first branch, "Feature flag covers the change? Flip flag": faster than a
 * rollback (<60 s vs ~2 min) with a lower blast radius, since no Deployment is touched. It
 * proposes only when a declared flag covers every hunk of the bad release (core/flags/coverage.ts)
 * and that flag is on now; otherwise it declines with the reason and the tree goes on.
 */
export const featureFlag: Mechanism = {
  name: 'feature-flag',
  summary: 'flip the feature flag that gates the change off',
  propose({ facts, policy, checks }) {
    const flags = facts.app.flags;
    if (flags.length === 0) return Proposal.decline(`no feature flag is declared for ${facts.app.name} (rewind.yaml apps[].flags)`);
    if (!GitOpsFacts.is(facts)) return Proposal.decline(`${facts.app.name} has no Argo CD Application: there is no git window to show a flag covers the change`);
    const ev = facts.flagEvidence?.value;
    if (ev === undefined) return Proposal.decline('the bad release\'s hunks were not read (no config repo, or no last-known-good window), so no flag can be shown to cover it');
    const coverage = flagCoverage(ev, flags);
    if (!coverage.covered) return Proposal.decline(coverage.reason);

    const chosen = coverage.flags.map((key) => flags.find((f) => f.key === key)).filter((f): f is DeclaredFlag => f !== undefined);
    const live = new Map(ev.live.map((l) => [l.key, l]));
    const states: { flag: DeclaredFlag; state: FlagState }[] = [];
    for (const flag of chosen) {
      const l = live.get(flag.key);
      if (!l) return Proposal.decline(`flag ${flag.key} covers the change but its state was not read from ${flag.provider}`);
      if ('error' in l) return Proposal.decline(`flag ${flag.key} covers the change but ${flag.provider} could not be read: ${l.error}`);
      states.push({ flag, state: l.state });
    }
    const on = states.filter((s) => s.state.on === true || s.state.targeting);
    if (on.length === 0) {
      return Proposal.decline(`flag ${chosen.map((f) => f.key).join(', ')} covers the change but is already off (${states.map((s) => s.state.source).join('; ')}): the regression is not the gated feature`);
    }
    const noOff = on.filter((s) => s.flag.provider === 'flagd' && s.state.offVariant === null);
    if (noOff.length > 0) return Proposal.decline(`flag ${noOff.map((s) => s.flag.key).join(', ')} has no variant whose value is false: rewind cannot tell what "off" is`);

    const app = facts.application.value;
    const refusals = checks.filter((c) => BLOCKING_CHECKS.has(c.check.id)).flatMap((c) => c.refusals);
    const to = { kind: 'flag-off' as const, flags: on.map((s) => s.flag.key), revision: '', historyId: null };
    const warnings = checks.flatMap((c) => c.warnings);
    if (refusals.length > 0) return { kind: 'refuse', to, reasons: refusals, warnings };
    const bad = deployedRevision(app);
    const evidenceLines = coverage.hunks.map((h) => `${h.path} ${h.header}: ${h.why}`);
    return {
      kind: 'plan',
      to,
      steps: flagSteps({ facts, policy, bad, flags: on.map((s) => ({ flag: s.flag, state: s.state, snapshot: s.state.snapshot ?? '' })), hunks: coverage.hunks }),
      reasons: [
        coverage.how === 'turned-on'
          ? `the bad release ${shortHash(bad)} only turned ${coverage.flags.join(', ')} on: turning it off undoes the whole change, faster (<60 s vs ~2 min) and without touching the Deployment`
          : `every changed hunk of ${ev.range} is gated by ${coverage.flags.join(', ')}: turning it off neutralises the whole change without touching the Deployment`,
        ...evidenceLines,
      ],
      warnings: [
        ...warnings,
        `finish does not turn ${on.map((s) => s.flag.key).join(', ')} back on (a product decision): \`rewind flags restore RUN\` does, on request`,
      ],
    };
  },
};
