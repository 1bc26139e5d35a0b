import type { Facts } from './facts.ts';
import { age, describeHold, type HoldReading } from './hold.ts';

/** One thing that holds the app: a hold annotation somewhere, or a run this journal has open. */
export interface Holder {
  readonly runId: string | null;
  /** One line a person can act on. */
  readonly refusal: string;
}

/**
 * Every holder of the app, read from the facts alone, for every mechanism alike: a hold written
 * by any host's run (on the Application, on the ApplicationSet a sibling's run holds, on the
 * Rollout or the Deployment when no Application carries it) and every run this journal has open.
 *
 * This is checked before any mechanism's own judgement (decide, the operator actions): a held
 * app's live state is what the holding run made it, so a mechanism reading it would plan against
 * that run's change — an undo to the revision the run rolled away from, a "saved" policy that
 * run turned off. Once the gate lived in each mechanism, and one (the unmanaged Rollout's undo)
 * declined on the rolled-back state before it reached its hold check; a second rewind was then
 * refused for the wrong reason, and with no word of the run that holds the app.
 */
export function holders(facts: Facts): Holder[] {
  const out: Holder[] = [];
  const w = facts.app.workload;
  const runIdOf = (r: HoldReading) => (r.ok ? r.hold.runId : null);
  const app = facts.application?.value;
  const appHold = app?.hold;
  if (appHold) out.push({ runId: runIdOf(appHold), refusal: `${facts.app.name}: ${describeHold(appHold, facts.now)}` });
  // A sibling's run keeps its hold on the ApplicationSet both apps come from (and may hold the set itself).
  const ownerHold = app?.owner?.hold;
  if (ownerHold && ownerHold !== appHold && !(ownerHold.ok && ownerHold.hold.app === facts.app.name)) {
    out.push({
      runId: runIdOf(ownerHold),
      refusal: `${app?.owner?.kind ?? 'owner'} ${app?.owner?.name ?? ''} carries the hold of ${ownerHold.ok ? `sibling app ${ownerHold.hold.app}` : 'a run'}: ${describeHold(ownerHold, facts.now)}`,
    });
  }
  const rolloutHold = facts.rollout?.value.hold;
  if (rolloutHold) out.push({ runId: runIdOf(rolloutHold), refusal: `rollout ${w.namespace}/${w.name}: ${describeHold(rolloutHold, facts.now)}` });
  const deploymentHold = facts.rolloutHistory?.value.hold;
  if (deploymentHold) out.push({ runId: runIdOf(deploymentHold), refusal: `deployment ${w.namespace}/${w.name}: ${describeHold(deploymentHold, facts.now)}` });
  const annotated = new Set(out.map((h) => h.runId));
  const open = facts.openRuns?.value ?? [];
  for (const [i, h] of out.entries()) {
    const mine = open.find((r) => r.runId === h.runId);
    if (mine) out[i] = { ...h, refusal: `${h.refusal} (this journal has the run: ${mine.status})` };
  }
  for (const r of open) {
    if (annotated.has(r.runId)) continue;
    const next = r.status === 'awaiting-revert' ? `rewind finish ${facts.app.name}` : `rewind resume ${r.runId}`;
    out.push({
      runId: r.runId,
      refusal: `run ${r.runId} of ${facts.app.name} is still open (${r.status}, started ${age(r.startedAt, facts.now)} ago). Next: ${next}, or end it: rewind abandon ${r.runId} --reason TEXT --restore|--leave`,
    });
  }
  return out;
}
