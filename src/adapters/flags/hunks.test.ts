import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnifiedDiff } from './hunks.ts';

test('git diff -U1 output becomes hunks per file, context kept, added and deleted files named', () => {
  const diff = [
    'diff --git a/apps/catalog/us-east/flags.flagd.json b/apps/catalog/us-east/flags.flagd.json',
    'index 1..2 100644',
    '--- a/apps/catalog/us-east/flags.flagd.json',
    '+++ b/apps/catalog/us-east/flags.flagd.json',
    '@@ -10,3 +10,3 @@ some context',
    '       },',
    '-      "defaultVariant": "off"',
    '+      "defaultVariant": "on"',
    '     },',
    'diff --git a/apps/catalog/us-east/old.yaml b/apps/catalog/us-east/old.yaml',
    'deleted file mode 100644',
    '--- a/apps/catalog/us-east/old.yaml',
    '+++ /dev/null',
    '@@ -1 +0,0 @@',
    '-kind: ConfigMap',
    '',
  ].join('\n');
  const hunks = parseUnifiedDiff(diff);
  assert.deepEqual(hunks.map((h) => [h.path, h.header, h.lines.map((l) => l.op).join('')]), [
    ['apps/catalog/us-east/flags.flagd.json', '@@ -10,3 +10,3 @@', ' -+ '],
    ['apps/catalog/us-east/old.yaml', '@@ -1 +0,0 @@', '-'],
  ]);
  assert.equal(hunks[0]?.lines[2]?.text, '      "defaultVariant": "on"');
});
