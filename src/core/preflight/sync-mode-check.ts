import { SyncPolicy } from '../domain.ts';
import type { Preflight } from './types.ts';
import { result } from './types.ts';

/** Pre-flight 3: auto-sync ON fights the rollback (it re-syncs to HEAD). */
export const syncModeCheck: Preflight = ({ facts }) => {
  const app = facts.application.value;
  const auto = app.syncPolicy.automated;
  const title = 'Sync mode';
  const evidence = [{ claim: `spec.syncPolicy.automated = ${auto === null ? 'none' : JSON.stringify(auto)}`, source: facts.application.source }];
  if (!SyncPolicy.isAutoSyncOn(app.syncPolicy)) {
    return result({ id: 'sync-mode', title, status: 'pass', detail: 'auto-sync is off: the rollback will stick', evidence });
  }
  const flags = [auto?.prune ? 'prune' : '', auto?.selfHeal ? 'selfHeal' : ''].filter(Boolean).join(', ') || 'no prune/selfHeal';
  const detail = app.owner
    ? `auto-sync is ON (${flags}): it would re-sync to HEAD and undo a rollback`
    : `auto-sync is ON (${flags}): it would re-sync to HEAD and undo the rollback; rewind disables it first, saves the policy, and \`rewind finish\` restores ${flags} once the revert is on the branch (\`--sync-policy automated\` would silently drop them)`;
  return result({ id: 'sync-mode', title, status: 'warn', detail, evidence }, [detail]);
};
