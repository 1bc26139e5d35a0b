import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extrapolatedRate, instantRate } from './rate.ts';

const near = (a: number | undefined, b: number, msg?: string): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-9, `${msg ?? ''} got ${a}, want ${b}`);

test('rate: samples at both window edges, no extrapolation beyond them', () => {
  // 0..60 s every 15 s, counter +30 per sample: increase 120 over 60 s.
  const pts = [0, 15, 30, 45, 60].map((s, i) => ({ t: s * 1000, v: 100 + i * 30 }));
  near(extrapolatedRate(pts, 0, 60_000, true, true), 2);
  near(extrapolatedRate(pts, 0, 60_000, true, false), 120);
});

test('rate: gaps to the edges under 1.1 × the average step are extrapolated to the edges', () => {
  // Window [0, 60]; samples at 5..50 every 15 s (avg 15): start gap 5 s, end gap 10 s, both < 16.5.
  const pts = [5, 20, 35, 50].map((s, i) => ({ t: s * 1000, v: 100 + i * 15 }));
  // increase 45 over 45 s sampled; extrapolated to 45 + 5 + 10 = 60 s → 60; rate 1/s.
  near(extrapolatedRate(pts, 0, 60_000, true, false), 60);
  near(extrapolatedRate(pts, 0, 60_000, true, true), 1);
});

test('rate: a gap wider than 1.1 × the average step extrapolates only half a step', () => {
  // Window [0, 60]; samples at 30, 40, 50 (avg 10): start gap 30 > 11 → +5; end gap 10 < 11 → +10.
  const pts = [30, 40, 50].map((s, i) => ({ t: s * 1000, v: 1000 + i * 10 }));
  // increase 20 over 20 s → extrapolated to 35 s: 20 × 35/20 = 35.
  near(extrapolatedRate(pts, 0, 60_000, true, false), 35);
});

test('rate: a counter is not extrapolated below zero', () => {
  // Window [0, 60]; samples at 10, 20, 30, 40, 50 starting at 2, +10 each: 40 over 40 s.
  // The zero point is 40 × 2/40 = 2 s before the first sample (< 10 s to the start) → start gap 2.
  const pts = [10, 20, 30, 40, 50].map((s, i) => ({ t: s * 1000, v: 2 + i * 10 }));
  near(extrapolatedRate(pts, 0, 60_000, true, false), (40 * (40 + 2 + 10)) / 40);
});

test('rate: a counter reset adds what was counted before it', () => {
  // 10, 20, 5 (reset), 15: increase = (15-10) + 20 = 25 over samples at 0..45 in a [0, 45] window.
  const pts = [10, 20, 5, 15].map((v, i) => ({ t: i * 15_000, v }));
  near(extrapolatedRate(pts, 0, 45_000, true, false), 25);
});

test('rate: fewer than two samples gives no result', () => {
  assert.equal(extrapolatedRate([{ t: 0, v: 1 }], 0, 60_000, true, true), undefined);
  assert.equal(extrapolatedRate([], 0, 60_000, true, true), undefined);
});

test('irate: the last two samples, per second; a drop is a reset', () => {
  near(instantRate([{ t: 0, v: 1 }, { t: 10_000, v: 50 }, { t: 15_000, v: 60 }]), 2);
  near(instantRate([{ t: 0, v: 100 }, { t: 5000, v: 10 }]), 2);
  assert.equal(instantRate([{ t: 0, v: 1 }]), undefined);
});
