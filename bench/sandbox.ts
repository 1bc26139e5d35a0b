/**
 * `npm run demo` end to end, and the idle sandbox's CPU: a detached sandbox at --speed 1 and 20
 * (metrics on, the default), its process's user+system CPU over windows of wall time, from
 * /proc/PID/stat, once it is up and nothing asks anything of it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BEFORE_BIN, benchSandbox, must } from './plan.ts';
import { MIN_RUNS, show, summarize, type Summary } from './stats.ts';

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

async function idleCpu(speed: number): Promise<Summary> {
  const sb = await benchSandbox(['--speed', String(speed)]);
  try {
    const pid = sb.state.pid;
    const percents: number[] = [];
    for (let i = 0; i < WINDOWS + 1; i++) {
      const t0 = performance.now();
      const c0 = cpuTicks(pid);
      // Measuring a process's idle CPU needs wall time to pass; nothing here waits on a state.
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const pct = ((cpuTicks(pid) - c0) / 100 / ((performance.now() - t0) / 1000)) * 100;
      if (i > 0) percents.push(pct); // the first window still sees start-up work
    }
    return summarize(percents);
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
  const demo = await demoFigures();
  console.log(`npm run demo (rewind demo, default speed): ${show(demo.demoMs)}, rewind's own (CPU) ${show(demo.ownMs)}`);
  if (demo.before) console.log(`  the build before (REWIND_BENCH_BEFORE), interleaved: ${show(demo.before.demoMs)}, rewind's own (CPU) ${show(demo.before.ownMs)}`);
  for (const s of demo.steps) console.log(`  step ${s.name}: own ${show(s.ownMs)} of ${show(s.wallMs)}${s.noticedBy !== '-' ? `; noticed by ${s.noticedBy}${s.noticeMs ? `, stream event -> seen ${show(s.noticeMs)}` : ''}${s.reachedMs ? `, the sandbox reached the state -> seen ${show(s.reachedMs)}` : ''}` : ''}`);
  const idle1 = await idleCpu(1);
  const idle20 = await idleCpu(20);
  console.log(`idle sandbox CPU: --speed 1 ${show(idle1, '%')}, --speed 20 ${show(idle20, '%')} (${WINDOWS} windows of ${WINDOW_MS} ms)`);
  return { demoMs: demo.demoMs, demoOwnMs: demo.ownMs, ...(demo.before ? { demoBeforeOwnMs: demo.before.ownMs } : {}), demoSteps: demo.steps, idleCpuPercentSpeed1: idle1, idleCpuPercentSpeed20: idle20 };
}

