import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';

/**
 * `plan` as shipped runs its hot script (scripts/build.js `hotBundles`) through bin/rewind.js's
 * vm.Script loader with a V8 code cache: the same plan as the split bundle, the cache written once
 * and then used, a refused or unwritable cache costing nothing but a compile. The install is a
 * copy of bin/rewind.js beside a bundle built here from the sources as they are, under
 * node_modules/ so the externals (libpg-query) resolve as from the project.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const install = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'rewind-hot-'));
const BIN = join(install, 'bin', 'rewind.js');
const HOT = join(install, 'dist', 'hot');
const APP = 'bookstore-orders-us-east';

before(() => {
  mkdirSync(join(install, 'bin'));
  copyFileSync(join(ROOT, 'bin', 'rewind.js'), BIN);
  // NOTE: bin/rewind.js runs the bundle only when it is newer than every file under src/.
  symlinkSync(join(ROOT, 'src'), join(install, 'src'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--outdir', join(install, 'dist')], { cwd: ROOT, stdio: 'pipe' });
});
after(() => {
  rmSync(install, { recursive: true, force: true });
});

interface PlanDoc {
  readonly decision: string;
  readonly reasons: string[];
  readonly preflight: { id: string; status: string }[];
  readonly steps?: { kind: string }[];
}

const caches = () => readdirSync(HOT).filter((f) => f.endsWith('.v8-cache'));

test('the PromQL grammar is in the plan\'s script only behind the first parse (scripts/build.js promqlOnFirstParse)', () => {
  // lezer-promql decodes its parse tables when evaluated: only a require from the stand-in for
  // core/analysis/promql.ts's import runs it, at the first `parser.parse`.
  const meta = JSON.parse(readFileSync(join(HOT, 'plan.meta.json'), 'utf8')) as {
    inputs: Record<string, { imports?: { path: string; kind: string }[] }>;
    outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const script = Object.values(meta.outputs).find((o) => o.entryPoint)!;
  const lezer = Object.keys(script.inputs).filter((f) => f.includes('@prometheus-io/lezer-promql') && script.inputs[f]!.bytesInOutput > 0);
  assert.deepEqual(lezer, ['node_modules/@prometheus-io/lezer-promql/dist/index.cjs']);
  const importers = Object.entries(meta.inputs).flatMap(([from, i]) => (i.imports ?? []).filter((imp) => imp.path === lezer[0]).map((imp) => [from.replace(ROOT, ''), imp.kind]));
  assert.deepEqual(importers, [['promql-lazy:src/core/analysis/promql.ts', 'require-call']]);
});

describe('`plan` through its hot script', () => {
  let sb: SandboxProcess | undefined;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    // A release that dropped a column: the plan parses the migration (libpg-query, loaded through the loader's import()).
    execFileSync(process.execPath, [join(ROOT, 'bin', 'rewind.js'), 'sandbox', 'break', APP, '--dir', sb.dir, '--scenario', 'unsafe-migration'], { stdio: 'pipe' });
    env = { ...process.env, REWIND_CONFIG: sb.configFile, NO_COLOR: '1' };
  });
  after(async () => {
    await sb?.stop();
  });

  const plan = (entry: string): PlanDoc => {
    const r = spawnSync(process.execPath, [entry, 'plan', APP, '-o', 'json'], { encoding: 'utf8', env });
    assert.equal(r.status, 1, `a refusal exits 1: ${r.stderr}`);
    assert.equal(r.stderr, '');
    const p = JSON.parse(r.stdout) as PlanDoc;
    // NOTE: the metrics and correlation checks, and the minutes a restore loses, move with the
    // sandbox's clock (its alert fires as its time runs), not with the loader.
    const moves = new Set(['metrics', 'correlation']);
    const preflight = p.preflight.map((c) => ({ id: c.id, status: moves.has(c.id) ? '(moves)' : c.status }));
    const reasons = p.reasons.filter((r) => !/metric|alert|p99/i.test(r)).map((r) => r.replace(/\d+ min\b/g, 'N min'));
    return { decision: p.decision, reasons, preflight, steps: (p.steps ?? []).map((s) => ({ kind: s.kind })) };
  };

  test('the same plan as the split bundle; the cache is written by the first run and used by the next', () => {
    assert.deepEqual(caches(), []);
    const hot = plan(BIN);
    assert.equal(hot.decision, 'refuse');
    assert.match(hot.reasons.join('\n'), /0099_drop_legacy_sku\.sql/, 'the migration was parsed');
    assert.deepEqual(hot, plan(join(install, 'dist', 'rewind.js')));
    const [cache] = caches();
    assert.ok(cache, 'the hot script ran and left its cache');
    const written = statSync(join(HOT, cache));
    const bytes = readFileSync(join(HOT, cache));
    assert.deepEqual(plan(BIN), hot);
    // A cache V8 accepts is left as it is: a refused one would have been written again.
    assert.deepEqual(caches(), [cache]);
    assert.equal(statSync(join(HOT, cache)).mtimeMs, written.mtimeMs);
    assert.deepEqual(readFileSync(join(HOT, cache)), bytes);
  });

  test('the young generation is held after the script compiled and the plan\'s built-ins loaded, none after', () => {
    assert.equal(caches().length, 1, 'the cache of the test above is there');
    // Node's own code cache of a built-in is refused once a flag changed (bin/rewind.js runHot).
    const out = join(install, 'flags.json');
    const preload = join(install, 'record-flags.cjs');
    writeFileSync(
      preload,
      `const v8 = require('node:v8');
const set = v8.setFlagsFromString;
const calls = [];
v8.setFlagsFromString = (flag) => { calls.push({ flag, loaded: process.moduleLoadList.length }); set(flag); };
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ calls, modules: process.moduleLoadList })));`,
    );
    const r = spawnSync(process.execPath, ['-r', preload, BIN, 'plan', APP, '-o', 'json'], { encoding: 'utf8', env });
    assert.equal(r.status, 1, r.stderr);
    const { calls, modules } = JSON.parse(readFileSync(out, 'utf8')) as { calls: { flag: string; loaded: number }[]; modules: string[] };
    assert.deepEqual(calls.map((c) => c.flag), ['--semi-space-growth-factor=1']);
    assert.deepEqual(modules.slice(calls[0]!.loaded).filter((m) => m.startsWith('NativeModule ')), []);
    assert.equal((JSON.parse(r.stdout) as PlanDoc).decision, 'refuse');
  });

  test('a cache V8 refuses is replaced, and the plan is the same', () => {
    const [cache] = caches();
    assert.ok(cache);
    const path = join(HOT, cache);
    const before = plan(BIN);
    writeFileSync(path, Buffer.alloc(4096, 7));
    assert.deepEqual(plan(BIN), before);
    assert.notDeepEqual(readFileSync(path), Buffer.alloc(4096, 7), 'the refused cache was written again');
    const rewritten = statSync(path).mtimeMs;
    assert.deepEqual(plan(BIN), before);
    assert.equal(statSync(path).mtimeMs, rewritten, 'and the new one is accepted');
  });

  test('a cache that cannot be written costs only the compile', () => {
    const [cache] = caches();
    assert.ok(cache);
    const path = join(HOT, cache);
    const before = plan(BIN);
    rmSync(path);
    // A directory where the cache goes: neither read nor written, as on a read-only install.
    mkdirSync(path);
    assert.deepEqual(plan(BIN), before);
    assert.ok(statSync(path).isDirectory());
    assert.deepEqual(readdirSync(HOT).filter((f) => f.startsWith(`${cache}.`)), [], 'no temporary file left behind');
    rmSync(path, { recursive: true });
  });
});
