/**
 * `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` as registries send it
 * (distribution `docs/spec/auth/token.md`; RFC 6750 §3 auth-params, quoted or bare).
 *
 * ### Examples
 * `parseBearerChallenge('Bearer realm="https://r/token",service="reg",scope="repository:a/b:pull"')`
 * → `{ realm: 'https://r/token', service: 'reg', scope: 'repository:a/b:pull' }`
 */
export interface BearerChallenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
  readonly error?: string;
}

export function parseBearerChallenge(header: string): BearerChallenge | undefined {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1]!.matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (!params['realm']) return undefined;
  return {
    realm: params['realm'],
    ...(params['service'] ? { service: params['service'] } : {}),
    ...(params['scope'] ? { scope: params['scope'] } : {}),
    ...(params['error'] ? { error: params['error'] } : {}),
  };
}
