import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addLastWorkedRow, lastWorkedRows } from './runbook-table.ts';

const row = { date: '2026-05-20', app: 'bookstore-catalog-us-east', region: 'us-east', resolvedBy: 'rewind argocd-rollback (rollback to id 41)', notes: 'changed: image-digest; run R1' };

test("the seed runbook's table (as the seed prints it, heading mark included) reads as its rows, newest first", () => {
  const md = 'Related runbooks¶\nWhen this runbook last worked¶\n| Date | App | Region | Resolved by | Notes |\n|---|---|---|---|---|\n| 2026-05-01 | bookstore-catalog-us-east | us-east | Step 3b (rollback to id 38) | bad image digest; cold-start CPU spike |\n| 2026-04-14 | bookstore-orders-eu-west | eu-west | Step 3b (rollback to id 27) | values.yaml: HPA min-replicas dropped 4→1 |\nStale after 90 days without exercise.\n';
  const rows = lastWorkedRows(md);
  assert.deepEqual(rows.map((r) => [r.date, r.app, r.resolvedBy]), [
    ['2026-05-01', 'bookstore-catalog-us-east', 'Step 3b (rollback to id 38)'],
    ['2026-04-14', 'bookstore-orders-eu-west', 'Step 3b (rollback to id 27)'],
  ]);
});

test('a new row goes first under the header; the rest of the file is untouched', () => {
  const md = '# Runbook\n\n## When this runbook last worked\n\n| Date | App | Region | Resolved by | Notes |\n|---|---|---|---|---|\n| 2026-05-01 | a | us-east | Step 3b | old |\n\nStale after 90 days.\n';
  const out = addLastWorkedRow(md, row);
  assert.equal(out, md.replace('|---|---|---|---|---|\n', `|---|---|---|---|---|\n| 2026-05-20 | bookstore-catalog-us-east | us-east | rewind argocd-rollback (rollback to id 41) | changed: image-digest; run R1 |\n`));
  assert.deepEqual(lastWorkedRows(out).map((r) => r.date), ['2026-05-20', '2026-05-01']);
});

test('a file without the table gets the heading and table; pipes in cells are escaped and read back', () => {
  const out = addLastWorkedRow('# Runbook\nsteps', { ...row, notes: 'a | b' });
  assert.match(out, /\n## When this runbook last worked\n\n\| Date \| App \| Region \| Resolved by \| Notes \|\n\|---\|---\|---\|---\|---\|\n\| 2026-05-20 /);
  assert.equal(lastWorkedRows(out)[0]?.notes, 'a | b');
});
