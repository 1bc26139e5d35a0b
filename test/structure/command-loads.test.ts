import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';

/**
 * Every command loads only what it uses (issue 19): a module resolve hook records every module a
 * real `rewind` process resolves, and the heavy libraries a command never uses must not be among
 * them. The process runs the CLI as shipped, a bundle (scripts/build.js) built here from the
 * sources as they are; the bundle's chunks a process loads count as the files esbuild put in them
 * (its metafile), so a library bundled into a chunk is seen as loaded as surely as an external one.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'rewind.js');
const dir = mkdtempSync(join(tmpdir(), 'rewind-loads-'));
// NOTE: under node_modules/, so the bundle's external packages (libpg-query, pg...) resolve as from dist/.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const bundleDir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'rewind-loads-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});
let chunkInputs: Map<string, string[]>;
before(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--outdir', bundleDir], { cwd: ROOT, stdio: 'pipe' });
  const meta = JSON.parse(readFileSync(join(bundleDir, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  chunkInputs = new Map(Object.entries(meta.outputs).map(([out, o]) => [pathToFileURL(join(ROOT, out)).href, Object.keys(o.inputs).map((i) => pathToFileURL(join(ROOT, i)).href)]));
});

const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.REWIND_LOAD_LOG, r.url + '\\n');
  return r;
}`;
// A module required through createRequire (the parser's CommonJS glue) passes no resolve hook: the
// CommonJS loader's own resolution is logged too.
const register = `import Module, { register } from 'node:module'; import { appendFileSync } from 'node:fs'; import { pathToFileURL } from 'node:url';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  if (file.startsWith('/')) appendFileSync(process.env.REWIND_LOAD_LOG, pathToFileURL(file).href + '\\n');
  return file;
};`;

/** What a bundled `rewind ARGS` process loads: the modules it resolved, a chunk as the files in it. */
function loadsOf(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; urls: string[]; stdout: string; stderr: string } {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, join(bundleDir, 'rewind.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env, REWIND_LOAD_LOG: log, NO_COLOR: '1' },
  });
  assert.equal(r.error, undefined);
  const resolved = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  assert.ok(resolved.some((u) => chunkInputs.has(u)), `the process ran the test's bundle (${relative(ROOT, bundleDir)})`);
  return { status: r.status, urls: resolved.flatMap((u) => chunkInputs.get(u) ?? [u]), stdout: r.stdout, stderr: r.stderr };
}

const loaded = (urls: readonly string[], pkg: string) => urls.filter((u) => u.includes(`/node_modules/${pkg}/`));

test('`migrations lint` loads the parser, and neither pg, PGlite nor the Kubernetes client', () => {
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  writeFileSync(join(migrations, '0001_note.sql'), 'ALTER TABLE items ADD COLUMN note text;\n');
  const { status, urls } = loadsOf('lint', ['migrations', 'lint', migrations, '-o', 'json']);
  assert.equal(status, 0);
  assert.ok(loaded(urls, 'libpg-query').length > 0, 'the hook sees what the command loads (else this test proves nothing)');
  for (const pkg of ['pg', '@electric-sql/pglite', '@kubernetes/client-node', 'yaml']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by migrations lint`);
  // The yaml library comes in only for the yaml report, and that report is still written.
  const yaml = loadsOf('lint-yaml', ['migrations', 'lint', migrations, '-o', 'yaml']);
  assert.equal(yaml.status, 0);
  assert.ok(loaded(yaml.urls, 'yaml').length > 0, 'yaml loaded for -o yaml');
  assert.match(yaml.stdout, /^verdict: safe\n/);
  const note = loadsOf('note-yaml', ['migrations', 'note', join(migrations, '0001_note.sql'), '-o', 'yaml']);
  assert.equal(note.status, 0, note.stderr);
  assert.match(note.stdout, /\nverdict: safe\nnote: /);
});

test('`migrations note` and `migrations check` load neither pg nor PGlite (only `verify` replays)', () => {
  const repo = join(dir, 'check-repo');
  mkdirSync(join(repo, 'migrations'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();
  git('init', '--quiet');
  writeFileSync(join(repo, 'README'), 'x\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'one');
  const from = git('rev-parse', 'HEAD');
  writeFileSync(join(repo, 'migrations', '0001_note.sql'), 'ALTER TABLE items ADD COLUMN note text;\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'two');
  const check = loadsOf('check', ['migrations', 'check', '--repo', repo, '--from', from, '--to', 'HEAD', '--format', 'json']);
  assert.equal(check.status, 0, check.stderr);
  assert.ok(loaded(check.urls, 'libpg-query').length > 0, 'the hook sees what the command loads (else this test proves nothing)');
  const note = loadsOf('note', ['migrations', 'note', join(repo, 'migrations', '0001_note.sql'), '-o', 'json']);
  assert.equal(note.status, 0, note.stderr);
  for (const [name, run] of [['check', check], ['note', note]] as const) {
    for (const pkg of ['pg', 'pg-protocol', '@electric-sql/pglite']) assert.deepEqual(loaded(run.urls, pkg), [], `${pkg} loaded by migrations ${name}`);
  }
});

test('`--version` loads none of the heavy libraries, the parser included', () => {
  const { status, urls } = loadsOf('version', ['--version']);
  assert.equal(status, 0);
  for (const pkg of ['libpg-query', 'pg', '@electric-sql/pglite', '@kubernetes/client-node', 'yaml']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by --version`);
});

describe('`plan` against the sandbox', () => {
  let sb: SandboxProcess | undefined;
  const APP = 'bookstore-catalog-us-east';
  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    execFileSync(process.execPath, [BIN, 'sandbox', 'break', APP, '--dir', sb.dir], { stdio: 'pipe' });
  });
  after(async () => {
    await sb?.stop();
  });

  test('`plan` loads KubeConfig and none of client-node\'s generated API or models', (t) => {
    assert.ok(sb);
    const { status, urls, stderr } = loadsOf('plan', ['plan', APP, '-o', 'json'], { REWIND_CONFIG: sb.configFile });
    assert.ok(status === 0 || status === 1, stderr);
    // For the record (issue 19): the packages a plan process loads.
    t.diagnostic(`plan loads: ${[...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []))].sort().join(', ')}`);
    const kube = loaded(urls, '@kubernetes/client-node');
    assert.ok(kube.some((u) => u.endsWith('/dist/config.js')), 'plan reads the cluster through KubeConfig (else this test proves nothing)');
    assert.deepEqual(kube.filter((u) => /\/dist\/gen\/(apis|models|types)\//.test(u)), [], 'client-node generated API loaded by plan');
    for (const pkg of ['pg', '@electric-sql/pglite']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by plan`);
    // scripts/build.js: an OIDC user's library loads at its first token refresh.
    for (const pkg of ['openid-client', 'oauth4webapi']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by plan`);
    // scripts/build.js: KubeConfig's only use of node-fetch is `Headers`; the generated API's fetch loads it at its first request.
    for (const pkg of ['node-fetch', 'whatwg-url', 'tr46']) assert.deepEqual(loaded(urls, pkg), [], `${pkg} loaded by plan`);
  });

  test("`plan` loads none of Node's built-in fetch (undici: its llhttp WASM compiles as it loads)", () => {
    assert.ok(sb);
    // Node's own modules never reach a resolve hook: `process.moduleLoadList` names every one the process loaded.
    const log = join(dir, 'plan-internal.log');
    const atExit = `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(atExit)}`, join(bundleDir, 'rewind.js'), 'plan', APP, '-o', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, REWIND_CONFIG: sb.configFile, NO_COLOR: '1' },
    });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const internal = readFileSync(log, 'utf8').split('\n');
    assert.ok(internal.some((m) => m.includes('internal/child_process')), 'the list holds what the plan loaded (else this test proves nothing)');
    assert.deepEqual(internal.filter((m) => m.includes('undici')), []);
  });

  test("a kubeconfig's proxy-url still sends the plan's Kubernetes reads through the proxy (its agent loads at first use)", async () => {
    assert.ok(sb);
    // A port nothing listens on: the read fails connecting to the proxy, which shows it went there.
    const closed = await new Promise<number>((resolve) => {
      const srv = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const kubeconfig = readFileSync(join(sb.dir, 'kubeconfig'), 'utf8');
    for (const scheme of ['socks5', 'http']) {
      const proxied = join(dir, `kubeconfig-${scheme}`);
      writeFileSync(proxied, kubeconfig.replace(/^(\s*)server: (.*)$/gm, `$1server: $2\n$1proxy-url: ${scheme}://127.0.0.1:${closed}`));
      // NOTE: beside the sandbox's own, so its relative paths (tokens, CA, config repo) still resolve.
      const config = join(sb.dir, `rewind-${scheme}.yaml`);
      writeFileSync(config, readFileSync(sb.configFile, 'utf8').replace(/^(\s*)kubeconfig: .*$/gm, `$1kubeconfig: ${proxied}`));
      const r = spawnSync(process.execPath, [join(bundleDir, 'rewind.js'), 'plan', APP, '-o', 'json'], { encoding: 'utf8', env: { ...process.env, REWIND_CONFIG: config, NO_COLOR: '1' } });
      assert.equal(r.status, 3, `${scheme}: ${r.stderr}`);
      assert.match(r.stderr, scheme === 'socks5' ? new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${closed}`) : /cannot reach the Kubernetes API/, scheme);
    }
  });

  test('`plan` runs git fetch once, the flag file\'s read at the branch head included, and no `git remote`', () => {
    assert.ok(sb);
    // A `git` first on PATH that notes its arguments and runs the real one: every git process the plan starts.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const bin = join(dir, 'git-wrapper');
    mkdirSync(bin, { recursive: true });
    const log = join(dir, 'git.log');
    writeFileSync(log, '');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    const { status, stderr } = loadsOf('plan-git', ['plan', APP, '-o', 'json'], { REWIND_CONFIG: sb.configFile, PATH: `${bin}:${process.env['PATH'] ?? ''}` });
    assert.ok(status === 0 || status === 1, stderr);
    const commands = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^-C \S+ /, '').split(' ')[0]);
    assert.ok(commands.includes('cat-file') || commands.includes('diff'), `the wrapper saw the plan's git reads (else this test proves nothing): ${commands.join(', ')}`);
    assert.equal(commands.filter((c) => c === 'fetch').length, 1, commands.join(', '));
    assert.deepEqual(commands.filter((c) => c === 'remote'), []);
    // The branch head (the flag file's read) resolves through the running `cat-file --batch`.
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter((l) => / rev-parse .*refs\/remotes\//.test(l)), []);
    // Step 0's checker and Step 2's diagnoser ask the window's migrations of one git process.
    assert.equal(readFileSync(log, 'utf8').split('\n').filter((l) => / diff --name-status .*:\(glob\)/.test(l)).length, 1, readFileSync(log, 'utf8'));
  });
});
