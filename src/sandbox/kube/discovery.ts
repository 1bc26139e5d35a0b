/**
 * Discovery documents: what `kubectl` reads before every command (cached with `--cache-dir`).
 * kubectl 1.30+ asks for aggregated discovery first and accepts these plain documents.
 */
import { apiVersionOf, RESOURCE_TYPES, verbsOf, type ResourceType } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-rewind-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(): Map<string, string> {
  const byGroup = new Map<string, string>();
  for (const t of RESOURCE_TYPES) if (t.group) byGroup.set(t.group, t.version);
  return byGroup;
}

function apiGroup(name: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, version]) => apiGroup(name, version)),
  };
}

export function apiGroupDocument(group: string): Record<string, unknown> | undefined {
  const version = groups().get(group);
  return version ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, version) } : undefined;
}

function resourceEntries(t: ResourceType): Record<string, unknown>[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: verbsOf(t),
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
  };
  const subs = t.subresources.map((sub) => ({
    name: `${t.plural}/${sub}`,
    singularName: '',
    namespaced: t.namespaced,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: t.kind }),
    verbs: ['get', 'patch', 'update'],
  }));
  return [main, ...subs];
}

/** The APIResourceList of `/api/v1` or `/apis/<group>/<version>`, or undefined for an unknown group version. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(types[0]!),
    resources: types.flatMap(resourceEntries),
  };
}

/**
 * `/openapi/v2` in protobuf: a gnostic Document holding only `swagger: "2.0"`. kubectl's
 * client-side validation finds no definitions and skips, so plain `kubectl apply` works.
 */
export const OPENAPI_V2_PROTOBUF = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);
