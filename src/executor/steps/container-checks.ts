/**
 * The I/O around the core's rollout judgement and container verification: what the target
 * revision's Pod template is (the config repo, or the plan's images over the live template), and
 * what digest each of its images should run (pinned, or the registry's answer now).
 */
import type { ExpectedContainer, ExpectedDigest } from '../../core/container-verification.ts';
import { pinnedDigest } from '../../core/container-verification.ts';
import type { WorkloadState } from '../../core/domain.ts';
import { parseImageRef } from '../../core/image-id.ts';
import type { VerificationDeps } from '../step-context.ts';

export interface ExpectedTemplate {
  readonly containers: readonly ExpectedContainer[];
  /** Where the template came from, for the evidence. */
  readonly source: string;
}

/**
 * The Pod template the target revision renders. Without a template source, the live template
 * with the plan's images put in by repository: containers the plan does not name (sidecars) are
 * expected to run what the template says. Undefined when nothing is known.
 */
export async function expectedTemplate(
  v: VerificationDeps | undefined,
  revision: string | undefined,
  planImages: readonly string[],
  live: WorkloadState,
  signal?: AbortSignal,
): Promise<ExpectedTemplate | undefined> {
  if (v?.templates && revision) {
    const t = await v.templates.podTemplate(revision, signal ? { signal } : {});
    return { containers: t.containers, source: t.source };
  }
  if (planImages.length === 0) return undefined;
  const byRepo = new Map(planImages.map((i) => [parseImageRef(i)?.repository, i]));
  return {
    containers: live.images.map((c) => ({ name: c.container, image: byRepo.get(parseImageRef(c.image)?.repository) ?? c.image, init: c.init ?? false })),
    source: 'the plan\'s images over the live Pod template',
  };
}

/** Each distinct image's expected digest: pinned, resolved through the registry now, or why not. */
export async function expectedDigests(v: VerificationDeps | undefined, containers: readonly ExpectedContainer[], signal?: AbortSignal): Promise<Map<string, ExpectedDigest>> {
  const out = new Map<string, ExpectedDigest>();
  for (const image of new Set(containers.map((c) => c.image))) {
    const pinned = pinnedDigest(image);
    if (pinned) {
      out.set(image, pinned);
      continue;
    }
    if (!v?.registry) {
      out.set(image, { kind: 'unresolved', reason: 'no registry configured (registries: in rewind.yaml)' });
      continue;
    }
    try {
      const r = await v.registry.resolveDigest(image, signal ? { signal } : {});
      out.set(image, { kind: 'resolved', digest: r.digest, source: r.source });
    } catch (e) {
      if (signal?.aborted) throw e;
      out.set(image, { kind: 'unresolved', reason: (e as Error).message });
    }
  }
  return out;
}
