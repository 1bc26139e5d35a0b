import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SandboxProcess } from '../../src/testing/sandbox-process.ts';

type SandboxState = SandboxProcess['state'];
import { rewind } from './cli.ts';

/**
 * Fast paths change no result: `rewind plan -o json` on the bench world (1,000 history entries,
 * 5,000 commits: what `npm run bench` plans against) must decide exactly what the committed golden
 * file says. Compared: what the plan decides and would do, not its wording or timing (the sandbox's
 * commit hashes and times differ every run; the metrics evidence depends on when plan runs).
 * `UPDATE_GOLDEN=1` rewrites the golden file.
 */
const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/rewind.js', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../golden/plan-bench-world.json', import.meta.url));
const APP = 'bookstore-catalog-us-east';

let dir: string;
let state: SandboxState | undefined;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rewind-plan-golden-'));
  await exec(process.execPath, [BIN, 'sandbox', 'up', '--detach', '--dir', dir, '--speed', '20', '--bench-history', '1000', '--bench-commits', '5000'], { timeout: 120_000 });
  state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SandboxState;
  await exec(process.execPath, [BIN, 'sandbox', 'break', APP, '--dir', dir], { timeout: 120_000 });
});
after(async () => {
  if (state) await exec(process.execPath, [BIN, 'sandbox', 'down', '--dir', dir], { timeout: 30_000 }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

interface PlanJson {
  kind: string;
  decision: string;
  mechanism: string;
  workload: unknown;
  rejected?: { mechanism: string }[];
  from?: { historyId?: number; revision?: string };
  to?: { kind?: string; historyId?: number; revision?: string };
  preflight?: { id: string }[];
  steps?: { kind: string; phase: string; target?: string }[];
}

test('plan on the bench world decides what the golden file says', async () => {
  assert.ok(state);
  const r = await rewind(['plan', APP, '-o', 'json'], { env: { REWIND_CONFIG: state.files.rewindYaml } });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const p = JSON.parse(r.stdout) as PlanJson;
  const got = {
    kind: p.kind,
    decision: p.decision,
    mechanism: p.mechanism,
    workload: p.workload,
    rejected: (p.rejected ?? []).map((x) => x.mechanism),
    from: p.from?.historyId,
    to: { kind: p.to?.kind, historyId: p.to?.historyId },
    // The chosen target is the entry before the bad deploy, by revision too.
    targetIsPreviousDeploy: p.to?.revision !== undefined && p.to.revision !== p.from?.revision,
    preflight: (p.preflight ?? []).map((x) => x.id),
    steps: (p.steps ?? []).map((s) => `${s.phase} ${s.kind}`),
  };
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 2)}\n`);
  assert.ok(existsSync(GOLDEN), 'golden file missing: UPDATE_GOLDEN=1 node scripts/run-tests.js plan-golden');
  assert.deepEqual(got, JSON.parse(readFileSync(GOLDEN, 'utf8')));
});
