/**
 * Step 3c, per container and never vacuous: every live Pod of the workload must run exactly the
 * Pod template the target revision renders (every container and init container, sidecars the bad
 * commit did not touch included), by image reference and by digest. The expected digest is the
 * one the manifest pins, or the one the registry resolves the tag to now; a tag whose digest
 * cannot be known leaves that container unchecked, and unchecked is not verified unless the
 * app's policy (`verify.allowUnresolvedTags`) accepts it.
 *
 * ### Examples
 * ```ts
 * verifyContainers({ expected, digests, pods, allowUnresolvedTags: false }).verdict; // 'verified' | 'failed' | 'unverified'
 * ```
 */
import type { PodImage } from './domain.ts';
import { normaliseImageRef, parseImageRef, parseRuntimeImageID } from './image-id.ts';

export interface ExpectedContainer {
  readonly name: string;
  readonly image: string;
  readonly init: boolean;
}

/** What the image reference's digest is expected to be, and how rewind knows. */
export type ExpectedDigest =
  | { readonly kind: 'pinned'; readonly digest: string }
  | { readonly kind: 'resolved'; readonly digest: string; readonly source: string }
  | { readonly kind: 'unresolved'; readonly reason: string };

export interface VerificationInput {
  /** The Pod template at the target revision. */
  readonly expected: readonly ExpectedContainer[];
  /** By image reference as the template writes it. */
  readonly digests: ReadonlyMap<string, ExpectedDigest>;
  readonly pods: readonly PodImage[];
  readonly allowUnresolvedTags: boolean;
}

export type VerificationVerdict = 'verified' | 'failed' | 'unverified';

export interface VerificationResult {
  readonly verdict: VerificationVerdict;
  readonly summary: string;
  /** Containers that run something else (or nothing). */
  readonly problems: readonly string[];
  /** What could not be checked, and why. */
  readonly unchecked: readonly string[];
  /** One line per checked container, with the digest and where the expectation came from. */
  readonly checked: readonly string[];
}

/** The expected digest of a reference that pins one; undefined for a tag (it needs the registry). */
export function pinnedDigest(image: string): ExpectedDigest | undefined {
  const d = parseImageRef(image)?.digest;
  return d ? { kind: 'pinned', digest: d } : undefined;
}

const label = (c: { init?: boolean; container?: string; name?: string }): string => `${c.init ? 'init:' : ''}${c.container ?? c.name ?? ''}`;
const short = (d: string): string => d.slice(0, 19);

export function verifyContainers(input: VerificationInput): VerificationResult {
  const problems: string[] = [];
  const unchecked: string[] = [];
  const checked: string[] = [];
  const podNames = [...new Set(input.pods.map((p) => p.pod))].sort();
  if (input.expected.length === 0) {
    return result('unverified', 'the target revision\'s Pod template is unknown: nothing to compare with', [], ['the Pod template at the target revision'], []);
  }
  if (podNames.length === 0) return result('failed', 'no live Pods found for the workload', ['no live Pods'], [], []);

  const expectedByKey = new Map(input.expected.map((c) => [label(c), c]));
  for (const pod of podNames) {
    const containers = input.pods.filter((p) => p.pod === pod);
    const seen = new Set<string>();
    for (const c of containers) {
      const key = label(c);
      seen.add(key);
      const want = expectedByKey.get(key);
      const where = `${pod}/${key}`;
      if (!want) {
        problems.push(`${where}: not in the target's Pod template (runs ${c.image})`);
        continue;
      }
      if (normaliseImageRef(c.image) !== normaliseImageRef(want.image)) {
        problems.push(`${where}: spec image ${c.image}, the target renders ${want.image}`);
        continue;
      }
      const running = parseRuntimeImageID(c.runtimeImageID ?? c.imageID);
      const expected = input.digests.get(want.image) ?? pinnedDigest(want.image) ?? { kind: 'unresolved', reason: 'no digest known for the tag' };
      if (running.kind === 'none') {
        problems.push(`${where}: not running${c.waiting ? ` (${c.waiting.reason}${c.waiting.message ? `: ${c.waiting.message}` : ''})` : ' (no imageID yet)'}`);
        continue;
      }
      if (running.kind === 'not-comparable') {
        unchecked.push(`${where}: ${running.reason}; cannot be compared with ${expected.kind === 'unresolved' ? want.image : short(expected.digest)}`);
        continue;
      }
      if (running.kind === 'unknown') {
        unchecked.push(`${where}: imageID "${running.raw}" is in no format rewind knows`);
        continue;
      }
      if (expected.kind === 'unresolved') {
        unchecked.push(`${where}: runs ${short(running.digest)} but the digest of ${want.image} is unknown (${expected.reason})`);
        continue;
      }
      const wantRepo = parseImageRef(want.image)?.repository;
      if (running.repository && wantRepo && running.repository !== wantRepo) {
        problems.push(`${where}: runs ${running.repository}@${short(running.digest)}, expected ${wantRepo}`);
        continue;
      }
      if (running.digest !== expected.digest) {
        problems.push(
          expected.kind === 'resolved'
            ? `${where}: runs ${short(running.digest)}, but ${want.image} resolves to ${short(expected.digest)} now (${expected.source}): the tag moved, this Pod runs another build`
            : `${where}: runs ${short(running.digest)}, the target pins ${short(expected.digest)}`,
        );
        continue;
      }
      checked.push(`${where}: ${short(running.digest)} = ${expected.kind === 'pinned' ? 'pinned in the manifest' : `${want.image} (${expected.source})`}`);
    }
    for (const want of input.expected) {
      if (!seen.has(label(want))) problems.push(`${pod}/${label(want)}: missing (the target's template has it, the Pod does not)`);
    }
  }

  const total = podNames.length;
  const containers = `${input.expected.length} container${input.expected.length === 1 ? '' : 's'}`;
  if (problems.length > 0) {
    const bad = new Set(problems.map((p) => p.split('/')[0])).size;
    return result('failed', `${bad}/${total} Pods do not run the target's images`, problems, unchecked, checked);
  }
  if (unchecked.length > 0) {
    const tagsOnly = unchecked.every((u) => u.includes('the digest of'));
    if (input.allowUnresolvedTags && tagsOnly) {
      return result('verified', `${total}/${total} Pods run the target's ${containers}; ${unchecked.length} by tag only (verify.allowUnresolvedTags)`, [], unchecked, checked);
    }
    return result('unverified', `not verified: ${unchecked.length} container${unchecked.length === 1 ? '' : 's'} could not be checked`, [], unchecked, checked);
  }
  return result('verified', `${total}/${total} Pods run the target's ${containers}, by reference and digest`, [], [], checked);
}

function result(verdict: VerificationVerdict, summary: string, problems: string[], unchecked: string[], checked: string[]): VerificationResult {
  return { verdict, summary, problems, unchecked, checked };
}
