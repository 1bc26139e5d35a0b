import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeCounter } from '../../core/change-feed.ts';
import type { Clock, FlagStore } from '../../core/ports.ts';
import type { DeclaredFlag, FlagState } from '../../core/flags/types.ts';
import type { ProgressEvent, StepContext } from '../step-context.ts';
import { flagWaitApplied } from './flag-steps.ts';

const FLAG: DeclaredFlag = { key: 'new-search', provider: 'unleash', gates: [] };

/** A clock whose poll never comes round: only the store's change signal can wake the wait. */
const stillClock: Clock = {
  now: () => new Date(0),
  sleep: (_ms, signal) => new Promise<void>((_r, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
};

function contextWith(store: FlagStore, events: ProgressEvent[]): StepContext {
  const ctx = {
    dryRun: false,
    clock: stillClock,
    deadline: 60_000,
    signal: new AbortController().signal,
    index: 2,
    progress: (e: ProgressEvent) => void events.push(e),
    plan: { app: 'catalog' },
    flags: () => Promise.resolve({ flag: FLAG, store }),
  };
  return ctx as unknown as StepContext;
}

function storeWith(feed: ChangeCounter | undefined, state: { on: boolean }): FlagStore & { reads: number } {
  const applied = (): Promise<FlagState> => {
    store.reads++;
    return Promise.resolve({ key: FLAG.key, on: state.on, defaultVariant: null, targeting: false, offVariant: null, source: 'test' });
  };
  const store = {
    reads: 0,
    read: () => Promise.reject(new Error('not read by the wait')),
    turnOff: () => Promise.reject(new Error('not written by the wait')),
    restore: () => Promise.reject(new Error('not written by the wait')),
    applied,
    ...(feed ? { watchApplied: () => feed.feed(() => feed.setLive(false)) } : {}),
  };
  return store;
}

test("the flag wait is woken by the store's change signal, not by its next poll, and closes the watch", async () => {
  const counter = new ChangeCounter();
  counter.setLive(true);
  const state = { on: true };
  const store = storeWith(counter, state);
  const events: ProgressEvent[] = [];
  const done = flagWaitApplied.run({ key: FLAG.key, provider: 'unleash' }, contextWith(store, events), undefined as never);
  await new Promise<void>((r) => setImmediate(r));
  assert.equal(store.reads, 1, 'the first read, then the wait');
  state.on = false;
  counter.bump();
  const outcome = await done;
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  assert.equal(store.reads, 2);
  assert.deepEqual(events.filter((e) => e.kind === 'noticed').map((e) => (e.kind === 'noticed' ? e.via : '')), ['stream']);
  assert.equal(counter.live, false, 'the watch is closed when the wait ends');
});

test('a store with no change signal (Unleash) is read again only at the poll', async () => {
  const state = { on: true };
  const store = storeWith(undefined, state);
  const events: ProgressEvent[] = [];
  let poll: (() => void) | undefined;
  const ctx = contextWith(store, events) as unknown as { clock: Clock };
  ctx.clock = { now: () => new Date(0), sleep: () => new Promise<void>((r) => (poll = r)) };
  const done = flagWaitApplied.run({ key: FLAG.key, provider: 'unleash' }, ctx as unknown as StepContext, undefined as never);
  await new Promise<void>((r) => setImmediate(r));
  state.on = false;
  await new Promise<void>((r) => setImmediate(r));
  assert.equal(store.reads, 1, 'nothing but the poll wakes it');
  poll?.();
  assert.equal((await done).status, 'succeeded');
  assert.deepEqual(events.filter((e) => e.kind === 'noticed').map((e) => (e.kind === 'noticed' ? e.via : '')), ['poll']);
});
