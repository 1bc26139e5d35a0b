import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertingRule, SEED_ALERTS } from './alert-rules.ts';
import { Tsdb } from './tsdb.ts';
import { parsePromQL } from './promql/parse.ts';
import { checkPromql } from '../../core/analysis/promql.ts';

const payments = SEED_ALERTS.find((r) => r.alert === 'BookstorePaymentsErrorRate')!;

/** Payments in us-east: 100 requests/s of 200s; 5/s of 502s between `badFrom` and `badUntil` (s). */
function store(badFrom: number, badUntil: number): Tsdb {
  const db = new Tsdb(3600_000);
  let errors = 0;
  for (let s = 0; s <= 600; s += 15) {
    if (s > badFrom && s <= badUntil) errors += 5 * 15;
    const base = { __name__: 'http_requests_total', service: 'payments', cluster: 'us-east', pod: 'p' };
    db.append({ ...base, code: '200' }, s * 1000, 100 * s);
    db.append({ ...base, code: '502' }, s * 1000, errors);
  }
  return db;
}

test('the seed alerts parse with the sandbox\'s parser (and so with the official grammar)', () => {
  assert.equal(SEED_ALERTS.length, 3);
  for (const r of SEED_ALERTS) {
    assert.doesNotThrow(() => parsePromQL(r.expr), r.alert);
    assert.equal(checkPromql(r.expr), undefined, r.alert);
  }
});

test('pending when the condition first holds, firing once `for` (1m) has passed, gone when it clears', () => {
  // Errors from 120 s to 300 s: the [1m] ratio is above 1% from the first scrape after 120 s.
  const db = store(120, 300);
  const rule = new AlertingRule(payments);
  const at = (s: number): string => {
    rule.eval(db, s * 1000);
    return rule.state();
  };
  assert.equal(at(120), 'inactive');
  assert.equal(at(135), 'pending');
  const [alert] = rule.activeAlerts();
  assert.deepEqual(alert?.labels, { cluster: 'us-east', severity: 'page', service: 'payments', alertname: 'BookstorePaymentsErrorRate' });
  assert.equal(alert?.activeAtMs, 135_000);
  // Window [75 s, 135 s]: 75 errors (all in the last step; the counter's zero point stops the
  // start's extrapolation) → 1.25/s against 100/s of 200s.
  assert.ok(Math.abs(alert.value - 1.25 / 101.25) < 1e-12, String(alert.value));
  assert.equal(at(180), 'pending'); // 45 s active
  assert.equal(at(195), 'firing'); // 60 s active: for has passed
  assert.equal(rule.activeAlerts()[0]?.activeAtMs, 135_000);
  assert.equal(at(300), 'firing');
  // The last error sample is at 300 s; at 375 s the [1m] window holds none.
  assert.equal(at(375), 'inactive');
  assert.deepEqual(rule.activeAlerts(), []);
  assert.equal(rule.health, 'ok');
});

test('a pending alert that clears before `for` never fires', () => {
  // Errors for 30 s keep the [1m] ratio up for 75 s: under a `for` of 2m.
  const db = store(120, 150);
  const rule = new AlertingRule({ ...payments, forSeconds: 120 });
  for (const s of [135, 150, 165, 180, 195]) rule.eval(db, s * 1000);
  assert.equal(rule.state(), 'pending');
  for (const s of [210, 225, 240]) rule.eval(db, s * 1000);
  assert.deepEqual(rule.activeAlerts(), []);
  assert.equal(rule.state(), 'inactive');
});
