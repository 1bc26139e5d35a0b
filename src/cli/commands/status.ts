import { chooseOwnerStrategy } from '../../core/owner-strategy.ts';
import { deployedRevision, shortHash, SyncPolicy } from '../../core/domain.ts';
import { openAppContext } from '../../app/app-context.ts';
import { describeHold } from '../../core/hold.ts';
import type { CommandContext } from '../command.ts';
import { parseOutputFormat, renderDocument } from '../output.ts';
import { paint } from '../io.ts';
import { requireOneApp } from './parse-flags.ts';
import { statusWithoutGitOps } from './status-unmanaged.ts';
import { describeRollout } from '../../core/rollouts/rollout-facts.ts';

/** `argocd app get` plus what `kubectl get pods` knows: the digests the Pods really run. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = requireOneApp(ctx.args, 'status APP');
  const format = parseOutputFormat(ctx.global.output);
  const app = await openAppContext(ctx.global, ctx.io.env, ctx.io.cwd);
  const cfg = app.app(name);
  if (cfg.gitops === 'none') return statusWithoutGitOps(ctx, app, cfg, format);
  // Argo CD's own view: an API outage shows here (exit 3), never bridged by the CR fallback.
  const [gitops, cluster] = await Promise.all([app.argocdApi ? app.argocdApi() : app.gitops(), app.cluster(cfg.workload.cluster)]);
  const argoRollouts = cfg.workload.kind === 'Rollout' ? await app.argoRollouts?.(cfg.workload.cluster) : undefined;
  const [state, workload, rollout] = await Promise.all([gitops.getApplication(name), cluster.getWorkload(cfg.workload), argoRollouts?.read(cfg.workload)]);
  const running = deployedRevision(state);
  const current = [...state.history].sort((a, b) => b.id - a.id)[0];
  const digests = [...new Set(workload.pods.map((p) => p.imageID).filter(Boolean))];
  const doc = {
    app: name,
    revision: running,
    shortRevision: shortHash(running),
    syncRevision: state.sync.revision,
    historyId: current?.id ?? null,
    sync: state.sync.status,
    health: state.health.status,
    source: state.source,
    syncPolicy: { autoSync: SyncPolicy.isAutoSyncOn(state.syncPolicy), automated: state.syncPolicy.automated },
    owner: state.owner ?? null,
    // Who holds the app (any host's rewind run), so nobody wonders why auto-sync is off.
    hold: state.hold ? (state.hold.ok ? state.hold.hold : { unreadable: state.hold.raw, problem: state.hold.problem }) : null,
    holdSummary: state.hold ? describeHold(state.hold, new Date().toISOString()) : null,
    workload: {
      ...cfg.workload,
      replicas: workload.replicas,
      updated: workload.updatedReplicas,
      available: workload.availableReplicas,
      images: workload.images,
    },
    pods: workload.pods.map((p) => ({ name: p.pod, container: p.container, imageID: p.imageID, ready: p.ready })),
    runningDigests: digests,
    ...(rollout ? { rollout } : {}),
  };
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, doc));
    return 0;
  }
  const a = state.syncPolicy.automated;
  const policy = a ? `automated (enabled=${a.enabled}, prune=${a.prune}, selfHeal=${a.selfHeal})` : 'none (manual)';
  const health = paint(ctx.io, state.health.status === 'Healthy' ? 'green' : 'red', state.health.status);
  const lines = [
    `Name:           ${name}`,
    `Deployed:       ${shortHash(running)} (${running})`,
    `Sync Status:    ${state.sync.status} (compared with ${state.source.targetRevision} = ${shortHash(state.sync.revision)})`,
    `Health Status:  ${health}`,
    `History ID:     ${current?.id ?? '-'}`,
    `Source:         ${state.source.repoURL} path=${state.source.path} targetRevision=${state.source.targetRevision}`,
    `Sync Policy:    ${policy}`,
    ...(state.owner ? [`Owned by:       ${state.owner.kind} ${state.owner.name}: ${chooseOwnerStrategy(state).why}`] : []),
    ...(state.hold ? [`Held:           ${paint(ctx.io, 'yellow', describeHold(state.hold, new Date().toISOString()))}`] : []),
    `Workload:       ${cfg.workload.kind} ${cfg.workload.namespace}/${cfg.workload.name} on ${cfg.workload.cluster}: ${workload.updatedReplicas}/${workload.replicas} updated, ${workload.availableReplicas} available`,
    `Spec images:    ${workload.images.map((i) => i.image).join(', ')}`,
    `Running:        ${digests.join(', ') || '(no running pods)'}`,
    ...workload.pods.map((p) => `  ${p.pod}  ${p.ready ? 'ready' : 'not ready'}  ${p.imageID}`),
    ...(rollout ? ['Argo Rollout:', ...describeRollout(rollout).map((l) => `  ${l}`)] : []),
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
