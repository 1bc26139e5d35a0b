import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeCounter, type ChangeFeed } from '../core/change-feed.ts';
import type { ClusterClient, Clock, GitOpsClient } from '../core/ports.ts';
import { pollUntil, type Noticed } from './wait.ts';
import { waitUntil } from './wait-feeds.ts';

/** A feed over a counter the test drives, as an adapter's stream drives it. */
function feed(counter: ChangeCounter): ChangeFeed & { closed: boolean } {
  const f = Object.assign(counter.feed(() => (f.closed = true)), { closed: false });
  return f;
}

/**
 * A clock whose poll sleeps last until the test releases them (or the wait cuts them short):
 * with polling held, only a feed can make the wait check again.
 */
function heldClock() {
  const held: (() => void)[] = [];
  const clock: Clock = {
    now: () => new Date(0),
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new Error('aborted'));
        held.push(resolve);
        signal?.addEventListener(
          'abort',
          () => {
            held.splice(held.indexOf(resolve), 1);
            reject(new Error('aborted'));
          },
          { once: true },
        );
      }),
  };
  return { clock, releasePoll: () => held.splice(0).forEach((r) => r()), pending: () => held.length };
}

const flush = () => new Promise<void>((r) => setImmediate(r));
/** Waits (real time, bounded) until `cond` holds: reads woken by a stream are paced a few ms apart. */
async function settled(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'the condition never held');
}

test('a change on a feed makes the wait check again without waiting for the poll interval', async () => {
  const { clock, pending } = heldClock();
  const counter = new ChangeCounter();
  counter.setLive(true);
  let state = 'Progressing';
  let checks = 0;
  const noticed: Noticed[] = [];
  const done = pollUntil({ clock, deadline: 1, signal: new AbortController().signal }, () => (checks++, Promise.resolve(state === 'Healthy')), 60_000, [feed(counter)], (n) => noticed.push(n));
  await flush();
  assert.equal(checks, 1);
  assert.equal(pending(), 1, 'the wait sleeps its poll interval');
  state = 'Healthy';
  counter.bump();
  assert.equal(await done, true);
  assert.equal(checks, 2);
  assert.equal(noticed.length, 1);
  assert.equal(noticed[0]!.via, 'stream');
  assert.ok(noticed[0]!.via === 'stream' && noticed[0]!.ms >= 0 && noticed[0]!.ms < 60_000, 'the latency is measured from the event, not the poll');
});

test('a change that lands while the check runs still wakes the next check', async () => {
  const { clock } = heldClock();
  const counter = new ChangeCounter();
  let checks = 0;
  const done = pollUntil(
    { clock, deadline: 1, signal: new AbortController().signal },
    () => {
      checks++;
      // The system moves while the first read is in flight: the read saw the old state.
      if (checks === 1) counter.bump();
      return Promise.resolve(checks === 2);
    },
    60_000,
    [feed(counter)],
  );
  assert.equal(await done, true);
});

test('a stream cut mid-wait falls back to polling and the wait still notices', async () => {
  const { clock, releasePoll, pending } = heldClock();
  const counter = new ChangeCounter();
  counter.setLive(true);
  let state = 'Progressing';
  let checks = 0;
  const noticed: Noticed[] = [];
  const done = pollUntil({ clock, deadline: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal }, () => (checks++, Promise.resolve(state === 'Healthy')), 1000, [feed(counter)], (n) => noticed.push(n));
  counter.bump();
  await settled(() => checks === 2);
  // The stream breaks: no more events; the system reaches the state unseen by any stream.
  counter.setLive(false);
  state = 'Healthy';
  await flush();
  assert.equal(checks, 2);
  assert.equal(pending(), 1);
  releasePoll();
  assert.equal(await done, true);
  assert.equal(checks, 3, 'the poll noticed');
  assert.deepEqual(noticed, [{ via: 'poll' }]);
});

test('Ctrl-C during a wait on feeds stops it', async () => {
  const { clock } = heldClock();
  const ac = new AbortController();
  const done = pollUntil({ clock, deadline: Number.MAX_SAFE_INTEGER, signal: ac.signal }, () => Promise.resolve(false), 1000, [feed(new ChangeCounter())]);
  await flush();
  ac.abort();
  await assert.rejects(done, /interrupted/);
});

test('a state already there at the first read is noticed by it, not by a stream', async () => {
  const { clock } = heldClock();
  const counter = new ChangeCounter();
  counter.bump();
  const noticed: Noticed[] = [];
  assert.equal(await pollUntil({ clock, deadline: 1, signal: new AbortController().signal }, () => Promise.resolve(true), 1000, [feed(counter)], (n) => noticed.push(n)), true);
  assert.deepEqual(noticed, [{ via: 'first' }]);
});

test('waitUntil: a check woken by one system\'s watch reads that system again and reuses the other\'s read while its stream is live and quiet', async () => {
  const { clock } = heldClock();
  const appCounter = new ChangeCounter();
  const workloadCounter = new ChangeCounter();
  appCounter.setLive(true);
  workloadCounter.setLive(true);
  const gitops = { watchApplication: () => feed(appCounter) } as unknown as GitOpsClient;
  const cluster = { watchWorkload: () => feed(workloadCounter) } as unknown as ClusterClient;
  const reads = { app: 0, workload: 0 };
  let seen: { app: number; workload: number }[] = [];
  let finish = false;
  const done = waitUntil(
    { clock, deadline: 1, signal: new AbortController().signal, index: 0, progress: () => undefined },
    { gitops: { client: gitops, app: 'a' }, cluster: { client: cluster, ref: { cluster: 'c', namespace: 'n', kind: 'Deployment', name: 'w' } } },
    async (r) => {
      const [app, workload] = await Promise.all([r.app(() => Promise.resolve(++reads.app)), r.workload(() => Promise.resolve(++reads.workload))]);
      seen.push({ app, workload });
      return finish;
    },
    60_000,
  );
  await settled(() => seen.length === 1);
  assert.deepEqual(seen, [{ app: 1, workload: 1 }]);
  workloadCounter.bump();
  await settled(() => seen.length === 2);
  assert.deepEqual(seen[1], { app: 1, workload: 2 }, 'the app was not read again: its stream told of no change');
  appCounter.bump();
  await settled(() => seen.length === 3);
  assert.deepEqual(seen[2], { app: 2, workload: 2 });
  // A broken stream cannot vouch for anything: both are read.
  appCounter.setLive(false);
  seen = [];
  finish = true;
  workloadCounter.bump();
  assert.equal(await done, true);
  assert.deepEqual(seen, [{ app: 3, workload: 3 }]);
});
