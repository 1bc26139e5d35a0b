import { AppSetRules, type SyncPolicy, type ApplicationState, type ApplicationsSyncPolicy } from './domain.ts';
import { HOLD_ANNOTATION, type HoldLocation } from './hold.ts';

export type { HoldLocation };

/**
 * What makes a rollback stick, chosen from the app's owner as upstream's controllers behave
 * (argo-cd `applicationset/utils/createOrUpdate.go`: the set re-applies the whole generated app
 * except `ignoreApplicationDifferences` and `preservedFields`; `controller/appcontroller.go`: a
 * parent with auto-sync re-applies its children on every sync, with self-heal on every drift).
 *
 * - `disable`: turn auto-sync off on the app (nothing puts it back).
 * - `pin`: pin `targetRevision` (the owner puts syncPolicy back but leaves targetRevision).
 * - `hold-appset`: the set leaves neither: set its `applicationsSync` to `create-only` first
 *   (the policy upstream offers to stop it updating apps), then disable auto-sync on the app.
 * - `hold-parent`: the parent app re-applies the child: turn the parent's auto-sync off first.
 * - `refuse`: nothing rewind may change would stick, or the owner could not be read.
 */
export type OwnerStrategy =
  | { readonly kind: 'disable'; readonly why: string }
  | { readonly kind: 'pin'; readonly why: string }
  | {
      readonly kind: 'hold-appset';
      readonly set: string;
      /** `applicationsSync` as written (absent: upstream's default `sync`), given back by finish. */
      readonly previous: ApplicationsSyncPolicy | null;
      readonly siblings: readonly string[];
      readonly why: string;
    }
  | { readonly kind: 'hold-parent'; readonly parent: string; readonly previous: SyncPolicy; readonly why: string }
  | { readonly kind: 'refuse'; readonly why: string };


const SYNC_POLICY = '/spec/syncPolicy';
const TARGET_REVISION = '/spec/source/targetRevision';
const SET_DOC = 'https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Controlling-Resource-Modification/';
const SELF_HEAL_DOC = 'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-self-healing';

/**
 * `autoSyncHold` in rewind.yaml (the seed's "pin targetRevision to the good SHA instead of
 * disabling auto-sync"): a preference, honoured where the owner leaves the field rewind would
 * change; otherwise the owner's rule wins and `why` says the preference could not be followed.
 */
export type AutoSyncHold = 'disable' | 'pin';

export function chooseOwnerStrategy(app: ApplicationState, preference?: AutoSyncHold): OwnerStrategy {
  const chosen = ownerRule(app);
  if (preference === 'pin' && chosen.kind === 'disable') {
    const rules = app.owner?.kind === 'ApplicationSet' ? app.owner.applicationSet : undefined;
    if (rules !== undefined && !AppSetRules.ignores(rules, TARGET_REVISION)) {
      return { kind: 'disable', why: `${chosen.why} (autoSyncHold: pin is not possible: ApplicationSet ${app.owner!.name} puts ${TARGET_REVISION} back)` };
    }
    return { kind: 'pin', why: `autoSyncHold: pin in rewind.yaml: ${TARGET_REVISION} is pinned to the good commit and auto-sync stays on, until the revert lands (${chosen.why.replace(/: auto-sync is turned off on the app$|: its sync policy can be changed directly$/, '')})` };
  }
  if (preference === 'disable' && chosen.kind === 'pin') {
    return { kind: 'pin', why: `${chosen.why} (autoSyncHold: disable is not possible: the owner puts ${SYNC_POLICY} back)` };
  }
  return chosen;
}

function ownerRule(app: ApplicationState): OwnerStrategy {
  const owner = app.owner;
  if (owner === undefined) return { kind: 'disable', why: 'no ApplicationSet or parent app owns it: its sync policy can be changed directly' };
  const name = `${owner.kind} ${owner.name}`;
  if (owner.unreadable !== undefined) {
    return { kind: 'refuse', why: `owned by ${name}, whose rules rewind could not read (${owner.unreadable}): whatever rewind changes on the app might be put back` };
  }
  if (owner.kind === 'ApplicationSet') {
    const rules = owner.applicationSet;
    if (rules === undefined) return { kind: 'refuse', why: `owned by ${name}, whose rules were not read` };
    if (rules.jqPathExpressions.length > 0 && !AppSetRules.ignores(rules, SYNC_POLICY) && !AppSetRules.ignores(rules, TARGET_REVISION)) {
      return { kind: 'refuse', why: `${name} has ignoreApplicationDifferences written as jq (${rules.jqPathExpressions.join(', ')}), which rewind does not evaluate: it cannot tell what the set puts back` };
    }
    if (AppSetRules.ignores(rules, SYNC_POLICY)) {
      return { kind: 'disable', why: `${name} leaves ${SYNC_POLICY} as the app has it (${describeRules(rules)}): auto-sync is turned off on the app` };
    }
    if (AppSetRules.ignores(rules, TARGET_REVISION)) {
      return { kind: 'pin', why: `${name} puts ${SYNC_POLICY} back but leaves ${TARGET_REVISION} (${describeRules(rules)}): targetRevision is pinned to the good commit` };
    }
    if (rules.managedBy !== undefined && rules.managedBy.autoSync !== false) {
      const policy = rules.managedBy.autoSync === undefined ? 'whose policy rewind could not read' : `with auto-sync${rules.managedBy.selfHeal ? ' and self-heal' : ''} on`;
      return {
        kind: 'refuse',
        why: `${name} puts back both ${SYNC_POLICY} and ${TARGET_REVISION}, and is itself deployed from git by Argo CD app ${rules.managedBy.name} ${policy}: a hold written on the set would be synced away (${SELF_HEAL_DOC}). Turn auto-sync off on ${rules.managedBy.name} (or add ${SYNC_POLICY} to the set's ignoreApplicationDifferences in git), then plan again`,
      };
    }
    return {
      kind: 'hold-appset',
      set: owner.name,
      previous: rules.applicationsSync ?? null,
      siblings: rules.siblings ?? [],
      why: `${name} puts back every field of the app (no ignoreApplicationDifferences for ${SYNC_POLICY} or ${TARGET_REVISION}): rewind sets its applicationsSync to create-only first, so it stops updating its apps (${SET_DOC}), and gives the policy back in finish`,
    };
  }
  const parent = owner.parent;
  if (parent === undefined) return { kind: 'refuse', why: `owned by ${name}, whose policy was not read` };
  if (!parent.autoSync) return { kind: 'disable', why: `parent ${name} has auto-sync off: it re-applies its children only when someone syncs it, so auto-sync is turned off on the app` };
  if (parent.owner !== undefined) {
    return {
      kind: 'refuse',
      why: `parent ${name} has auto-sync on and is itself owned by ${parent.owner.kind} ${parent.owner.name}, which would put the parent's policy back: hold ${parent.owner.name} by hand (or roll back through it), then plan again`,
    };
  }
  return {
    kind: 'hold-parent',
    parent: owner.name,
    previous: parent.syncPolicy,
    why: `parent ${name} has auto-sync${parent.selfHeal ? ' and self-heal' : ''} on: ${parent.selfHeal ? 'it puts the child back on every drift' : 'any commit to its repo makes it re-apply the child'} (${SELF_HEAL_DOC}); rewind turns the parent's auto-sync off first and gives it back in finish`,
  };
}

/**
 * The app's own annotations survive unless an ApplicationSet re-applies them (a parent applies its
 * children as `kubectl apply` does, keeping annotations it did not write). A set rewind holds on
 * create-only gets the hold itself: it is written before the set stops updating the app.
 */
export function holdLocation(app: ApplicationState, strategy: OwnerStrategy): HoldLocation {
  const owner = app.owner;
  if (owner?.kind !== 'ApplicationSet') return { kind: 'Application' };
  if (strategy.kind === 'hold-appset') return { kind: 'ApplicationSet', name: owner.name };
  const rules = owner.applicationSet;
  const kept = rules !== undefined && (rules.preservedAnnotations.includes(HOLD_ANNOTATION) || AppSetRules.ignores(rules, '/metadata/annotations'));
  return kept ? { kind: 'Application' } : { kind: 'ApplicationSet', name: owner.name };
}

function describeRules(r: AppSetRules): string {
  const parts = [`applicationsSync ${AppSetRules.effectivePolicy(r)}`];
  if (r.ignoredPointers.length > 0) parts.push(`ignores ${r.ignoredPointers.join(', ')}`);
  return parts.join('; ');
}

export const ownerStrategyLabel = (s: OwnerStrategy): string =>
  s.kind === 'hold-appset' ? `hold ApplicationSet ${s.set}` : s.kind === 'hold-parent' ? `hold parent ${s.parent}` : s.kind;
