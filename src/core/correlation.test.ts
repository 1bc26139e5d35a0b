import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correlate } from './correlation.ts';

const base = { deployedAt: '2026-05-20T14:22:13Z', now: '2026-05-20T14:30:13Z', windowMinutes: 30 };

describe('correlate', () => {
  it('is a strong signal when the sync landed within the window before the alert', () => {
    assert.equal(correlate({ ...base, alertAt: '2026-05-20T14:40:13Z' }).signal, 'strong');
  });
  it('measures against now when there is no alert time, and says so', () => {
    const c = correlate(base);
    assert.deepEqual([c.signal, c.minutes, c.reference], ['strong', 8, 'now']);
    assert.match(c.detail, /pass --alert-at/);
  });
  it('is weak when the sync is older than the window or came after the alert', () => {
    assert.equal(correlate({ ...base, alertAt: '2026-05-20T15:00:13Z' }).signal, 'weak');
    assert.match(correlate({ ...base, alertAt: '2026-05-20T14:20:13Z' }).detail, /may not be the cause/);
  });
  it('is weak, not a crash, on an unreadable time', () => {
    assert.equal(correlate({ ...base, deployedAt: 'yesterday' }).signal, 'weak');
  });
});
