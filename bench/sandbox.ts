/**
 * `npm run demo` end to end, and the idle sandbox's CPU: a detached sandbox at --speed 1 and 20
 * (metrics on, the default), its process's user+system CPU over windows of wall time, from
 * /proc/PID/stat, once it is up and nothing asks anything of it. With REWIND_BENCH_BEFORE, that
 * build's idle sandbox runs beside this one's, measured over the same windows.
 * `REWIND_BENCH_SANDBOX=idle npm run bench -- sandbox` measures only the idle sandboxes (no demos;
 * not with --write-docs, whose table wants the demo's rows too).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BEFORE_BIN, benchSandbox, must } from './plan.ts';
import { MIN_RUNS, show, summarize, type Summary } from './stats.ts';

const IDLE_ONLY = process.env['REWIND_BENCH_SANDBOX'] === 'idle';

const BIN = fileURLToPath(new URL('../bin/rewind.js', import.meta.url));
const WINDOW_MS = 2000;
const WINDOWS = 7;

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU % of each process over the same windows of wall time; the first window (start-up's tail) left out. */
async function idleWindows(pids: readonly number[]): Promise<Summary[]> {
  const percents: number[][] = pids.map(() => []);
  for (let i = 0; i < WINDOWS + 1; i++) {
    const t0 = performance.now();
    const c0 = pids.map(cpuTicks);
    // Measuring a process's idle CPU needs wall time to pass; nothing here waits on a state.
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const seconds = (performance.now() - t0) / 1000;
    if (i > 0) pids.forEach((pid, k) => percents[k]!.push(((cpuTicks(pid) - c0[k]!) / 100 / seconds) * 100));
  }
  return percents.map(summarize);
}

async function idleCpu(speed: number): Promise<{ now: Summary; before?: Summary }> {
  const args = ['--speed', String(speed)];
  const sb = await benchSandbox(args);
  try {
    if (!BEFORE_BIN) return { now: (await idleWindows([sb.state.pid]))[0]! };
    const before = await benchSandbox(args, BEFORE_BIN);
    try {
      const [now, then] = await idleWindows([sb.state.pid, before.state.pid]);
      return { now: now!, before: then! };
    } finally {
      await before.stop();
    }
  } finally {
    await sb.stop();
  }
}

interface DemoTimingDoc {
  readonly wallMs: number;
  readonly ownMs: number;
  readonly phases: readonly { name: string; wallMs: number; ownMs: number }[];
  readonly steps: readonly { name: string; wallMs: number; ownMs: number; noticed?: { via: string; ms?: number; sinceReachedMs?: number } }[];
}

/**
 * `rewind demo -o json` MIN_RUNS times: the whole process's wall time, and from the demo's own
 * `timing` (src/app/demo-timing.ts) rewind's own time (its process's CPU) in all and per step of
 * the seed incident's rollback; the rest of a step's wall time is the sandbox's.
 */
async function demoRun(bin: string): Promise<{ wallMs: number; timing: DemoTimingDoc }> {
  const t0 = performance.now();
  const out = await must(process.execPath, [bin, 'demo', '-o', 'json'], { ...process.env, NO_COLOR: '1' });
  const wallMs = performance.now() - t0;
  const timing = (JSON.parse(out) as { timing?: DemoTimingDoc }).timing;
  if (!timing) throw new Error(`${bin} demo -o json printed no timing`);
  return { wallMs, timing };
}

/**
 * With REWIND_BENCH_BEFORE, each demo of this build is followed by one of the build before, so
 * both sides share the machine's load; only the whole demo's own time is compared (step titles differ).
 */
async function demoFigures(): Promise<{ demoMs: Summary; ownMs: Summary; before?: { demoMs: Summary; ownMs: Summary }; steps: { name: string; ownMs: Summary; wallMs: Summary; noticeMs?: Summary; reachedMs?: Summary; noticedBy: string }[] }> {
  const walls: number[] = [];
  const timings: DemoTimingDoc[] = [];
  const beforeWalls: number[] = [];
  const beforeOwn: number[] = [];
  for (let i = 0; i < MIN_RUNS; i++) {
    const run = await demoRun(BIN);
    walls.push(run.wallMs);
    timings.push(run.timing);
    // The slow notices are the ones to explain: each run's way and latency, as it happened.
    const wait = run.timing.steps.find((st) => st.noticed?.sinceReachedMs !== undefined);
    if (wait) console.log(`  demo ${i + 1}: own ${run.timing.ownMs.toFixed(0)} ms; ${wait.name.slice(0, 40)}: noticed by ${wait.noticed!.via}, ${wait.noticed!.sinceReachedMs} ms after the sandbox reached the state`);
    if (BEFORE_BIN) {
      const b = await demoRun(BEFORE_BIN);
      beforeWalls.push(b.wallMs);
      beforeOwn.push(b.timing.ownMs);
    }
  }
  // Steps by position: their titles name each run's own revisions.
  const names = timings[0]!.steps.map((s) => s.name.replace(/\b[0-9a-f]{7,40}\b/g, 'REV'));
  const steps = names.map((name, i) => {
    const runs = timings.map((t) => t.steps[i]);
    if (runs.some((r) => r === undefined)) throw new Error(`step ${i} ("${name}") is missing from a demo run`);
    // Notice latency: the wait's stream event to the end of the read that saw the state, in runs where a stream woke it.
    const viaStream = runs.map((r) => r!.noticed).filter((n) => n?.via === 'stream' && n.ms !== undefined).map((n) => n!.ms!);
    const noticedBy = [...new Set(runs.map((r) => r!.noticed?.via ?? '-'))].join('/');
    // The honest one: from the sandbox's own record of reaching the state (its reached.jsonl), whatever woke the wait.
    const sinceReached = runs.map((r) => r!.noticed?.sinceReachedMs).filter((ms): ms is number => ms !== undefined);
    return {
      name,
      ownMs: summarize(runs.map((r) => r!.ownMs)),
      wallMs: summarize(runs.map((r) => r!.wallMs)),
      noticedBy,
      ...(viaStream.length > 0 ? { noticeMs: summarize(viaStream) } : {}),
      ...(sinceReached.length > 0 ? { reachedMs: summarize(sinceReached) } : {}),
    };
  });
  const before = BEFORE_BIN ? { before: { demoMs: summarize(beforeWalls), ownMs: summarize(beforeOwn) } } : {};
  return { demoMs: summarize(walls), ownMs: summarize(timings.map((t) => t.ownMs)), ...before, steps };
}

export async function benchSandboxFigures(): Promise<Record<string, unknown>> {
  if (IDLE_ONLY && process.argv.includes('--write-docs')) throw new Error('REWIND_BENCH_SANDBOX=idle measures no demo: --write-docs needs the whole sandbox part');
  const demo = IDLE_ONLY ? undefined : await demoFigures();
  if (demo) {
    console.log(`npm run demo (rewind demo, default speed): ${show(demo.demoMs)}, rewind's own (CPU) ${show(demo.ownMs)}`);
    if (demo.before) console.log(`  the build before (REWIND_BENCH_BEFORE), interleaved: ${show(demo.before.demoMs)}, rewind's own (CPU) ${show(demo.before.ownMs)}`);
    for (const s of demo.steps) console.log(`  step ${s.name}: own ${show(s.ownMs)} of ${show(s.wallMs)}${s.noticedBy !== '-' ? `; noticed by ${s.noticedBy}${s.noticeMs ? `, stream event -> seen ${show(s.noticeMs)}` : ''}${s.reachedMs ? `, the sandbox reached the state -> seen ${show(s.reachedMs)}` : ''}` : ''}`);
  }
  const idle1 = await idleCpu(1);
  const idle20 = await idleCpu(20);
  console.log(`idle sandbox CPU: --speed 1 ${show(idle1.now, '%')}, --speed 20 ${show(idle20.now, '%')} (${WINDOWS} windows of ${WINDOW_MS} ms)`);
  if (idle1.before && idle20.before) console.log(`  the build before (REWIND_BENCH_BEFORE), its sandbox beside this one's: --speed 1 ${show(idle1.before, '%')}, --speed 20 ${show(idle20.before, '%')}`);
  return {
    ...(demo ? { demoMs: demo.demoMs, demoOwnMs: demo.ownMs, ...(demo.before ? { demoBeforeOwnMs: demo.before.ownMs } : {}), demoSteps: demo.steps } : {}),
    idleCpuPercentSpeed1: idle1.now,
    idleCpuPercentSpeed20: idle20.now,
    ...(idle1.before && idle20.before ? { idleCpuPercentSpeed1Before: idle1.before, idleCpuPercentSpeed20Before: idle20.before } : {}),
  };
}
