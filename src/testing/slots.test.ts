import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSlots } from './slots.ts';

test('slots: at most size holders at once, waiters served in order, a double release frees one slot', async () => {
  const slots = createSlots(2);
  const a = await slots.take();
  const b = await slots.take();
  const order: string[] = [];
  const c = slots.take().then((r) => (order.push('c'), r));
  const d = slots.take().then((r) => (order.push('d'), r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'both slots are held');
  a();
  a();
  const rc = await c;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['c'], 'a second release of the same slot frees nothing more');
  b();
  const rd = await d;
  assert.deepEqual(order, ['c', 'd']);
  rc();
  rd();
  const e = await slots.take();
  const f = await slots.take();
  e();
  f();
  assert.throws(() => createSlots(0), RangeError);
});
