/** `rewind sandbox status`: where the sandbox runs, and each app's revision and health, read from its Argo CD API. */
import type { CommandContext } from '../command.ts';
import { ExitCode } from '../../core/errors.ts';
import { parseOutputFormat, renderDocument, renderTable } from '../output.ts';
import { callSandbox, pidAlive, readSandboxState, runningSandbox, sandboxDir } from './sandbox-common.ts';

interface AppRow {
  name: string;
  revision: string;
  sync: string;
  health: string;
  historyId: number | null;
  autoSync: boolean;
}

export async function run(ctx: CommandContext): Promise<number> {
  const dir = sandboxDir(ctx);
  const format = parseOutputFormat(ctx.global.output);
  const found = await readSandboxState(dir);
  const state = await runningSandbox(dir);
  const reply = await callSandbox(state, 'GET', '/api/v1/applications');
  const items = (reply.body['items'] ?? []) as {
    metadata: { name: string };
    spec: { syncPolicy?: { automated?: { enabled?: boolean } } };
    status: { sync: { status: string; revision?: string }; health: { status: string }; history?: { id: number }[] };
  }[];
  const apps: AppRow[] = items.map((a) => ({
    name: a.metadata.name,
    revision: a.status.sync.revision ?? '',
    sync: a.status.sync.status,
    health: a.status.health.status,
    historyId: a.status.history?.at(-1)?.id ?? null,
    autoSync: a.spec.syncPolicy?.automated !== undefined && a.spec.syncPolicy.automated.enabled !== false,
  }));
  if (format !== 'table') {
    ctx.io.stdout.write(renderDocument(format, { ...state, alive: pidAlive(state.pid) && found !== undefined, apps }));
    return ExitCode.Ok;
  }
  ctx.io.stdout.write(
    [
      `sandbox in ${dir}: pid ${state.pid} (alive), speed ${state.speed}x, up since ${state.startedAt}`,
      `  Kubernetes API  ${Object.values(state.urls.clusters).join(', ')}`,
      `  Argo CD API     ${state.urls.argocd}`,
      ...(state.urls.registry ? [`  OCI registry    ${state.urls.registry}`] : []),
      ...(state.urls.prometheus ? [`  Prometheus API  ${state.urls.prometheus}`] : []),
      `  kubeconfig      ${state.files.kubeconfig}`,
      `  rewind.yaml     ${state.files.rewindYaml}`,
      '',
      '',
    ].join('\n'),
  );
  ctx.io.stdout.write(
    renderTable(
      ['APP', 'REVISION', 'SYNC', 'HEALTH', 'HISTORY', 'AUTO-SYNC'],
      apps.map((a) => [a.name, a.revision.slice(0, 7), a.sync, a.health, a.historyId === null ? '-' : String(a.historyId), a.autoSync ? 'on' : 'off']),
    ),
  );
  return ExitCode.Ok;
}
