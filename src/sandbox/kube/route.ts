/**
 * Parses a request path (below the cluster prefix) the way the apiserver's mux does:
 * `/api/v1/namespaces/shop/pods/x/status`, `/apis/apps/v1/deployments`, `/version` …
 */
import { findResourceType, type ResourceType } from './resources.ts';

export type Route =
  | { readonly kind: 'api' }
  | { readonly kind: 'apis' }
  | { readonly kind: 'version' }
  | { readonly kind: 'openapi-v2' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'group-version'; readonly group: string; readonly version: string }
  | {
      readonly kind: 'resource';
      readonly type: ResourceType;
      readonly namespace: string | undefined;
      readonly name: string | undefined;
      readonly subresource: string | undefined;
    }
  | { readonly kind: 'unknown' };

export function parseRoute(pathname: string): Route {
  const segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (segs.length === 0) return { kind: 'unknown' };
  const [root, ...rest] = segs;
  if (root === 'version' && rest.length === 0) return { kind: 'version' };
  if (root === 'openapi' && rest[0] === 'v2' && rest.length === 1) return { kind: 'openapi-v2' };
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'api' };
    return resourceRoute('', rest[0]!, rest.slice(1));
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'apis' };
    if (rest.length === 1) return { kind: 'group', group: rest[0]! };
    return resourceRoute(rest[0]!, rest[1]!, rest.slice(2));
  }
  return { kind: 'unknown' };
}

function resourceRoute(group: string, version: string, segs: string[]): Route {
  if (segs.length === 0) return { kind: 'group-version', group, version };
  // Namespaced: namespaces/<ns>/<plural>[/<name>[/<sub>]]
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const type = findResourceType(group, version, segs[2]!);
    if (type?.namespaced && segs.length <= 5) {
      return { kind: 'resource', type, namespace: segs[1], name: segs[3], subresource: segs[4] };
    }
  }
  const type = findResourceType(group, version, segs[0]!);
  if (!type || segs.length > 3) return { kind: 'unknown' };
  // A namespaced type without a namespace is only listable (all namespaces), never gettable by name.
  if (type.namespaced && segs.length > 1) return { kind: 'unknown' };
  return { kind: 'resource', type, namespace: undefined, name: segs[1], subresource: segs[2] };
}
