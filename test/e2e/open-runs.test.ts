import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { join, resolve } from 'node:path';
import { startSandboxProcess, type SandboxProcess } from '../../src/testing/sandbox-process.ts';
import { argo } from '../sandbox/helpers.ts';
import { incident } from './incident.ts';
import { tempDir } from '../../src/testing/temp-dirs.ts';

const APP = 'bookstore-catalog-us-east';

interface RunRow { runId: string; status: string; holds: string[]; process: string | null }

/**
 * rewind never makes an incident worse around runs left open (issue: each defect below was
 * reproduced before the hold, the open-run refusal and the resume re-check existed).
 */
describe('open runs and the hold', () => {
  let sb: SandboxProcess;
  let i: ReturnType<typeof incident>;
  let otherHost: string;
  /** The bad revision the previous test left on the branch (abandon --restore does not revert it). */
  let unreverted = '';
  const runs = async () => (await i.json<RunRow[]>(['runs', APP])).doc;

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    i = incident(sb, APP);
    otherHost = await tempDir('rewind-other-host-');
  });
  after(async () => {
    await sb?.stop();
  });

  test('a crash right after auto-sync was disabled: every new rollback is refused by the hold, resume completes, finish restores it exactly', async () => {
    const bad = await i.breakIt();
    const crashed = await i.crash(['rollback', APP, '--yes', '--reason', 'p99'], 'crash:argocd.disable-auto-sync:after');
    assert.equal(crashed.signal, 'SIGKILL', crashed.stderr);
    const held = await i.status();
    assert.equal(held.syncPolicy.autoSync, false, 'the crash left auto-sync off');
    assert.ok(held.hold?.runId, 'and the hold names the run');
    assert.match(held.holdSummary ?? '', /held by run .*: p99\); once the revert of/);

    // The defect: the new plan saved the live, already disabled policy and finish "restored" enabled=false.
    const again = await i.run(['rollback', APP, '--yes']);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stdout + again.stderr, /held by run /);
    const plan = await i.run(['plan', APP]);
    assert.equal(plan.code, 1);
    assert.match(plan.stdout, /Open runs and holds: .*held by run/);
    const elsewhere = await i.run(['rollback', APP, '--yes'], { REWIND_STATE_DIR: otherHost });
    assert.equal(elsewhere.code, 1, 'another state directory (another host) is refused by the hold on Argo CD');
    assert.match(elsewhere.stdout + elsewhere.stderr, /held by run /);
    assert.equal((await i.status()).historyId, bad.historyId, 'nothing rolled back');

    const [open] = await runs();
    assert.equal(open?.status, 'running');
    assert.equal(open?.process, 'dead', 'a dead process\'s run does not read as live');
    const resumed = await i.json<{ runStatus: string }>(['resume', open?.runId ?? '']);
    assert.equal(resumed.r.code, 0, resumed.r.stderr);
    assert.equal(resumed.doc.runStatus, 'awaiting-revert');
    const after = await i.status();
    assert.equal(after.historyId, bad.historyId + 1, 'exactly one rollback entry');
    assert.equal(after.syncPolicy.autoSync, false);
    assert.match((await runs())[0]?.holds.join() ?? '', /auto-sync off on bookstore-catalog-us-east \(saved: auto-sync enabled=true, prune=true, selfHeal=true\)/);

    await i.revert(bad.revision);
    const fin = await i.run(['finish', APP, '--timeout', '2m']);
    assert.equal(fin.code, 0, fin.stderr + fin.stdout);
    const done = await i.status();
    assert.deepEqual(done.syncPolicy.automated, { prune: true, selfHeal: true, enabled: true });
    assert.equal(done.hold, null, 'the hold is released');
  });

  test('rollback while a run awaits its revert is refused, naming the run; another engineer\'s --config on this host sees it too', async () => {
    // Both engineers use the default state directory (XDG), each with their own rewind.yaml.
    const xdg = { REWIND_STATE_DIR: '', XDG_STATE_HOME: await tempDir('rewind-xdg-') };
    const bad = await i.breakIt();
    const first = await i.run(['rollback', APP, '--yes'], xdg);
    assert.equal(first.code, 0, first.stderr);
    const second = await i.run(['rollback', APP, '--yes'], xdg);
    assert.equal(second.code, 1);
    assert.match(second.stdout + second.stderr, /held by run \S+ .*rewind finish bookstore-catalog-us-east/);
    const theirs = join(await tempDir('rewind-their-config-'), 'rewind.yaml');
    const cfg = parse(await readFile(sb.configFile, 'utf8')) as { clusters: { kubeconfig: string }[]; apps: { database?: { urlFile?: string } }[]; argocd: { tokenFile: string; caFile: string }; configRepo: { path: string }; prometheus?: { tokenFile: string; caFile: string } };
    for (const c of cfg.clusters) c.kubeconfig = resolve(sb.dir, c.kubeconfig);
    for (const a of cfg.apps) if (a.database?.urlFile) a.database.urlFile = resolve(sb.dir, a.database.urlFile);
    cfg.argocd.tokenFile = resolve(sb.dir, cfg.argocd.tokenFile);
    cfg.argocd.caFile = resolve(sb.dir, cfg.argocd.caFile);
    if (cfg.prometheus) {
      cfg.prometheus.tokenFile = resolve(sb.dir, cfg.prometheus.tokenFile);
      cfg.prometheus.caFile = resolve(sb.dir, cfg.prometheus.caFile);
    }
    cfg.configRepo.path = resolve(sb.dir, cfg.configRepo.path);
    await writeFile(theirs, stringify(cfg));
    const seen = await i.json<RunRow[]>(['runs', APP, '--open'], { ...xdg, REWIND_CONFIG: theirs });
    assert.equal(seen.doc[0]?.status, 'awaiting-revert', 'the run is in the shared state directory, whatever --config');
    assert.equal((await i.status()).historyId, bad.historyId + 1, 'one rollback, not two');
    await i.revert(bad.revision);
    const fin = await i.run(['finish', APP, '--timeout', '2m'], { ...xdg, REWIND_CONFIG: theirs });
    assert.equal(fin.code, 0, fin.stderr + fin.stdout);
  });

  test('resume of a run whose world moved on is refused with what changed, and abandon --restore gives back what it saved', async () => {
    const bad = await i.breakIt();
    const crashed = await i.crash(['rollback', APP, '--yes'], 'crash:argocd.rollback:before');
    assert.equal(crashed.signal, 'SIGKILL');
    // Someone syncs by hand in the Argo CD UI: a deploy the run did not make.
    const sync = await argo(sb, 'POST', `/api/v1/applications/${APP}/sync`, { revision: bad.revision });
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const moved = await i.until('the manual sync', (s) => s.historyId > bad.historyId);
    const [open] = await runs();
    const resumed = await i.run(['resume', open?.runId ?? '']);
    assert.equal(resumed.code, 1, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`a deploy this run did not make landed: history ${moved.historyId}`));
    assert.equal((await i.status()).historyId, moved.historyId, 'the defect: resume rolled the newer deploy back');

    const abandoned = await i.run(['abandon', open?.runId ?? '', '--reason', 'synced by hand', '--restore', '--yes']);
    assert.equal(abandoned.code, 0, abandoned.stderr);
    assert.match(abandoned.stdout, /auto-sync is back on: Argo CD now syncs bookstore-catalog-us-east to its branch head/);
    const restored = await i.status();
    assert.deepEqual(restored.syncPolicy.automated, { prune: true, selfHeal: true, enabled: true });
    assert.equal(restored.hold, null);
    assert.equal((await runs()).find((r) => r.runId === open?.runId)?.status, 'abandoned');
    unreverted = bad.revision;
  });

  test('abandon --leave (another host, from the hold alone) keeps the app changed and marked until release', async () => {
    await i.revert(unreverted);
    await i.until('auto-sync ships the revert', (s) => s.sync === 'Synced' && s.health === 'Healthy' && s.syncRevision !== unreverted);
    const bad = await i.breakIt();
    const crashed = await i.crash(['rollback', APP, '--yes'], 'crash:argocd.wait-healthy:before');
    assert.equal(crashed.signal, 'SIGKILL');
    const left = await i.run(['abandon', '--app', APP, '--reason', 'their laptop died', '--leave', '--yes'], { REWIND_STATE_DIR: otherHost });
    assert.equal(left.code, 0, left.stderr);
    const s = await i.status();
    assert.equal(s.syncPolicy.autoSync, false, 'left as the run changed it');
    assert.equal(s.hold?.state, 'left');
    const refused = await i.run(['rollback', APP, '--yes'], { REWIND_STATE_DIR: otherHost });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout + refused.stderr, /left changed by abandoned run .*rewind release bookstore-catalog-us-east/);
    const released = await i.run(['release', APP], { REWIND_STATE_DIR: otherHost });
    assert.equal(released.code, 0, released.stderr);
    assert.equal((await i.status()).hold, null);
    assert.ok(bad.historyId > 0);
  });
});
