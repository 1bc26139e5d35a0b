/**
 * The sandbox as the adapters see it: the same options a user's rewind.yaml would give them.
 * Shared by the adapter tests in this folder (each starts its own sandbox process).
 */
import assert from 'node:assert/strict';
import { createArgoCdGitOpsClient } from '../../src/adapters/argocd/index.ts';
import type { GitOpsClient } from '../../src/core/ports.ts';
import type { SandboxProcess } from '../../src/testing/sandbox-process.ts';

export type Sandbox = SandboxProcess;

export const NAMESPACE = 'bookstore-platform-acme-books';

/** The sandbox started by the file's `before` hook (tests run after it). */
export function started(sb: Sandbox | undefined): Sandbox {
  assert.ok(sb, 'the sandbox started');
  return sb;
}

/** Argo CD over HTTPS, verified against the sandbox CA file, as `argocd.caFile` would configure it. */
export function argocdClient(sb: Sandbox, token = sb.token): GitOpsClient {
  return createArgoCdGitOpsClient({ url: sb.argocdUrl, token, caFile: sb.caFile });
}
