import type { AppContext } from '../../app/app-context.ts';
import type { AppConfig } from '../../core/facts.ts';
import { describeHold } from '../../core/hold.ts';
import { describeRollout, type RolloutFacts } from '../../core/rollouts/rollout-facts.ts';
import type { CommandContext } from '../command.ts';
import { renderDocument, type OutputFormat } from '../output.ts';

/** `status` of a `gitops: none` app: no Application; its rollout history, hold and Pods instead. */
export async function statusWithoutGitOps(ctx: CommandContext, app: AppContext, cfg: AppConfig, format: OutputFormat): Promise<number> {
  if (cfg.workload.kind === 'Rollout') return rolloutStatus(ctx, app, cfg, format);
  const [cluster, rollouts] = await Promise.all([app.cluster(cfg.workload.cluster), app.rollouts?.(cfg.workload.cluster)]);
  const [workload, history] = await Promise.all([cluster.getWorkload(cfg.workload), rollouts?.history(cfg.workload)]);
  const now = new Date().toISOString();
  const current = history?.revisions.find((r) => r.matchesCurrent);
  const doc = {
    app: cfg.name,
    gitops: 'none',
    revision: current?.revision ?? null,
    replicaSet: current?.replicaSet ?? null,
    paused: history?.paused ?? workload.paused,
    revisionHistoryLimit: history?.revisionHistoryLimit ?? null,
    revisions: history?.revisions ?? [],
    hold: history?.hold ? (history.hold.ok ? history.hold.hold : { unreadable: history.hold.raw, problem: history.hold.problem }) : null,
    holdSummary: history?.hold ? describeHold(history.hold, now) : null,
    workload: { ...cfg.workload, replicas: workload.replicas, updated: workload.updatedReplicas, available: workload.availableReplicas, images: workload.images },
    pods: workload.pods.map((p) => ({ name: p.pod, container: p.container, imageID: p.imageID, ready: p.ready })),
    runningDigests: [...new Set(workload.pods.map((p) => p.imageID).filter(Boolean))],
  };
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, doc));
    return 0;
  }
  const lines = [
    `Name:           ${cfg.name} (gitops: none: no Argo CD Application)`,
    `Workload:       ${cfg.workload.kind} ${cfg.workload.namespace}/${cfg.workload.name} on ${cfg.workload.cluster}: ${workload.updatedReplicas}/${workload.replicas} updated, ${workload.availableReplicas} available${doc.paused ? ', PAUSED' : ''}`,
    `Revision:       ${doc.revision ?? '-'} (${doc.replicaSet ?? 'no matching ReplicaSet'}); revisionHistoryLimit ${doc.revisionHistoryLimit ?? '-'}`,
    ...(doc.holdSummary ? [`Held:           ${doc.holdSummary}`] : []),
    'History:',
    ...doc.revisions.map((r) => `  ${String(r.revision).padStart(3)}  ${r.replicaSet}  ${r.images.map((i) => i.image).join(', ')}${r.matchesCurrent ? '  <- running' : ''}`),
    ...workload.pods.map((p) => `  ${p.pod}  ${p.ready ? 'ready' : 'not ready'}  ${p.imageID}`),
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** An Argo Rollout no GitOps controller manages: the Rollout as `status` shows it for Argo CD apps, its hold, its Pods. */
async function rolloutStatus(ctx: CommandContext, app: AppContext, cfg: AppConfig, format: OutputFormat): Promise<number> {
  const [cluster, argoRollouts] = await Promise.all([app.cluster(cfg.workload.cluster), app.argoRollouts?.(cfg.workload.cluster)]);
  const [workload, rollout] = await Promise.all([cluster.getWorkload(cfg.workload), argoRollouts?.read(cfg.workload)]);
  const now = new Date().toISOString();
  const hold = rollout?.hold;
  const doc: { app: string; gitops: 'none'; hold: unknown; holdSummary: string | null; workload: unknown; pods: unknown[]; runningDigests: string[]; rollout?: RolloutFacts } = {
    app: cfg.name,
    gitops: 'none',
    hold: hold ? (hold.ok ? hold.hold : { unreadable: hold.raw, problem: hold.problem }) : null,
    holdSummary: hold ? describeHold(hold, now) : null,
    workload: { ...cfg.workload, replicas: workload.replicas, updated: workload.updatedReplicas, available: workload.availableReplicas, images: workload.images },
    pods: workload.pods.map((p) => ({ name: p.pod, container: p.container, imageID: p.imageID, ready: p.ready })),
    runningDigests: [...new Set(workload.pods.map((p) => p.imageID).filter(Boolean))],
    ...(rollout ? { rollout } : {}),
  };
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, doc));
    return 0;
  }
  const lines = [
    `Name:           ${cfg.name} (gitops: none: no Argo CD Application)`,
    `Workload:       Rollout ${cfg.workload.namespace}/${cfg.workload.name} on ${cfg.workload.cluster}${rollout?.workloadRef ? ` (template from ${rollout.workloadRef.kind} ${rollout.workloadRef.name})` : ''}: ${workload.updatedReplicas}/${workload.replicas} updated, ${workload.availableReplicas} available`,
    ...(doc.holdSummary ? [`Held:           ${doc.holdSummary}`] : []),
    ...(rollout ? ['Argo Rollout:', ...describeRollout(rollout).map((l) => `  ${l}`)] : ['Argo Rollout:   not read (no Kubernetes access to argoproj.io Rollouts)']),
  ];
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
