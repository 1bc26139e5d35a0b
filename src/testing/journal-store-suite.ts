import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalStore } from '../core/ports.ts';
import type { JournalRecord } from '../core/run.ts';
import type { Plan } from '../core/plan.ts';

const plan = { kind: 'Plan', version: 1, app: 'x' } as unknown as Plan;

/** The contract every JournalStore must keep; run against each implementation. */
export function runJournalStoreSuite(name: string, create: () => JournalStore | Promise<JournalStore>): void {
  const uniq = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  test(`${name}: reads back every record of a run in append order`, async () => {
    const store = await create();
    const runId = `run-${uniq()}`;
    const app = `app-${uniq()}`;
    const records: JournalRecord[] = [
      { type: 'run-started', runId, app, at: '2026-05-20T14:30:00.000Z', plan, actor: 'test' },
      { type: 'intent', runId, at: '2026-05-20T14:30:01.000Z', step: 0, kind: 'argocd.preflight', phase: 'mitigate' },
      { type: 'outcome', runId, at: '2026-05-20T14:30:02.000Z', step: 0, kind: 'argocd.preflight', phase: 'mitigate', status: 'succeeded', evidence: ['ok'] },
      { type: 'run-status', runId, at: '2026-05-20T14:30:03.000Z', status: 'verified' },
    ];
    for (const r of records) await store.append(r);
    assert.deepEqual(await store.read(runId), records);
    const runs = await store.listRuns(app);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.status, 'verified');
    assert.equal(runs[0]?.runId, runId);
    await store.close();
  });

  test(`${name}: an unknown run reads as empty`, async () => {
    const store = await create();
    assert.deepEqual(await store.read(`missing-${uniq()}`), []);
    await store.close();
  });

  test(`${name}: one run per app at a time, free again after release`, async () => {
    const a = await create();
    const b = await create();
    const app = `app-${uniq()}`;
    const release = await a.acquireLease(app, 'run-1');
    await assert.rejects(b.acquireLease(app, 'run-2'), /another rewind run .* in progress/);
    const other = await b.acquireLease(`${app}-other`, 'run-3');
    await other();
    await release();
    const again = await b.acquireLease(app, 'run-2');
    await again();
    await a.close();
    await b.close();
  });
}
