/**
 * The sandbox as the adapters see it: the same options a user's rewind.yaml would give them.
 * Shared by the adapter tests in this folder (each starts its own sandbox process).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { startSandboxProcess } from '../../src/testing/sandbox-process.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;

/** `ca` may come as the PEM or as the path of `ca.crt`; the Argo CD adapter takes either. */
export function caOption(sb: Sandbox): { ca: string } | { caFile: string } {
  const ca = String(sb.ca);
  return ca.includes('-----BEGIN') ? { ca } : { caFile: existsSync(ca) ? ca : join(sb.dir, 'ca.crt') };
}

export function configRepoPath(sb: Sandbox): string {
  return join(sb.dir, 'config-repo.git');
}

export const NAMESPACE = 'bookstore-platform-acme-books';
