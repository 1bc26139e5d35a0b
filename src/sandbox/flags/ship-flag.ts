/**
 * The `flag` scenario's release: a person turns a flag on in the region's flagd file and pushes
 * it; nothing else changes (no image, no manifest). Argo CD's auto-sync renders the file into the
 * ConfigMap and applies it in place; the Pods pick it up at their next kubelet sync.
 */
import type { GitIdentity } from '../gitops/git.ts';
import type { ConfigRepo } from '../gitops/config-repo.ts';
import { GrpcCode, GrpcError } from '../argocd/grpc-error.ts';
import type { WorldApp } from '../world/bookstore.ts';
import type { ScenarioInfo } from '../world/scenarios.ts';
import type { SandboxClock } from '../clock.ts';
import { FLAGS_FILE } from './flag-files.ts';

const WEN: GitIdentity = { name: 'Wen Li', email: 'wen.li@acme-books.example' };

export async function shipFlag(
  deps: { readonly repo: ConfigRepo; readonly clock: SandboxClock; readonly pushed: () => void },
  app: WorldApp,
  scenario: ScenarioInfo,
  flag: string,
  waitForDeploy: (revision: string) => Promise<number | null>,
): Promise<Record<string, unknown>> {
  const file = `${app.path}/${FLAGS_FILE}`;
  const head = await deps.repo.resolve(deps.repo.branch);
  let text: string;
  try {
    text = await deps.repo.readFile(head, file);
  } catch {
    throw new GrpcError(GrpcCode.FailedPrecondition, `${app.name} has no flagd file (${file}): scenario ${scenario.name} needs an app whose Pods read feature flags`);
  }
  const doc = JSON.parse(text) as { flags: Record<string, { defaultVariant?: string; variants?: Record<string, unknown> }> };
  const def = doc.flags[flag];
  if (!def) throw new GrpcError(GrpcCode.FailedPrecondition, `${file} defines no flag ${flag}`);
  const on = Object.entries(def.variants ?? {}).find(([, v]) => v === true)?.[0];
  if (!on || def.defaultVariant === on) throw new GrpcError(GrpcCode.FailedPrecondition, `${flag} is already on in ${app.name}; turn it off first`);
  def.defaultVariant = on;
  const subject = `${app.service}: turn on ${flag} in ${app.region}`;
  const revision = await deps.repo.commit({
    files: { [file]: `${JSON.stringify(doc, null, 2)}\n` },
    message: `${subject}\n\nThe new search backend goes live behind its flag.`,
    date: deps.clock.now(),
    author: WEN,
  });
  deps.pushed();
  const historyId = await waitForDeploy(revision);
  return { app: app.name, scenario: scenario.name, revision, previousRevision: head, subject, flag, behaviour: 'slow', historyId, deployed: historyId !== null };
}
