import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import type { SecretRef } from './config-types.ts';

/**
 * The secret a reference names: an environment variable's value, or a file's content without
 * its trailing newline. The value is never logged or put in an error message.
 *
 * ### Examples
 * ```ts
 * await resolveSecret({ env: 'ARGOCD_AUTH_TOKEN' }, process.env); // the token
 * await resolveSecret({ file: '/home/me/.argocd-token' }, process.env);
 * ```
 */
export function resolveSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>>, fileKey = 'argocd.tokenFile'): Promise<string> {
  try {
    return Promise.resolve(readSecret(ref, env, fileKey));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function readSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>>, fileKey: string): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value.trim() === '') {
      throw new ConfigError(`environment variable ${ref.env} is not set`, { hint: `export ${ref.env}=<token>, or set ${fileKey} in rewind.yaml` });
    }
    return value.trim();
  }
  let text: string;
  try {
    // NOTE: one synchronous read: a token is a line, and a plan asks for two while every other
    // port's start holds the thread; each hop of an asynchronous read (open, stat, read, close)
    // waited behind that work, and the first requests with it (issue 19).
    text = readFileSync(ref.file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read token file ${ref.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  const value = text.trim();
  if (value === '') throw new ConfigError(`token file ${ref.file} is empty`);
  return value;
}
