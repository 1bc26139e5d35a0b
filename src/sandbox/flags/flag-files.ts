/**
 * The catalog's feature flags in the config repo: a flagd flag-definition file per region
 * overlay (`apps/catalog/<region>/flags.flagd.json`), rendered by Kustomize's configMapGenerator
 * into the ConfigMap `catalog-flags` (name hash disabled, so it changes in place and the
 * Deployment is not rolled), mounted by every catalog Pod at /etc/flagd, where flagd's file
 * provider would watch it.
 */
export const FLAGS_CONFIGMAP = 'catalog-flags';
export const FLAGS_FILE = 'flags.flagd.json';
export const FLAGS_MOUNT = '/etc/flagd';
/** The gated feature the `flag` scenario turns on: a new search backend that makes catalog slow. */
export const SLOW_FEATURE = 'catalog.new-search';

/** The file, with `on` naming the flags whose default variant is on. Two-space JSON, as rewind rewrites it. */
export function flagdFile(on: readonly string[] = []): string {
  const flag = (key: string) => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: on.includes(key) ? 'on' : 'off' });
  const doc = {
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: {
      [SLOW_FEATURE]: flag(SLOW_FEATURE),
      'catalog.recommendations-v2': {
        ...flag('catalog.recommendations-v2'),
        // Staff see it first: targeting that turns it on for @acme-books.example addresses.
        targeting: { if: [{ ends_with: [{ var: 'email' }, '@acme-books.example'] }, 'on', null] },
      },
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The overlay's generator lines (appended to the region's kustomization.yaml). */
export const GENERATOR_YAML = `configMapGenerator:
  - name: ${FLAGS_CONFIGMAP}
    files:
      - ${FLAGS_FILE}
generatorOptions:
  disableNameSuffixHash: true
`;

/** What the catalog Deployment adds to its Pod spec: the volume and its mount. */
export const FLAGS_VOLUME = { name: 'flags', configMap: { name: FLAGS_CONFIGMAP } };
export const FLAGS_VOLUME_MOUNT = { name: 'flags', mountPath: FLAGS_MOUNT, readOnly: true };
