import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeCounter, type ChangeFeed } from '../core/change-feed.ts';
import type { Clock } from '../core/ports.ts';
import { pollUntil, type Noticed } from './wait.ts';

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
