import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDefinitions, evaluate, restoreIn, turnOffIn } from './flagd-definitions.ts';

const FILE = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "catalog.new-search": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "on",
      "targeting": { "if": [{ "in": ["@acme-books.example", { "var": "email" }] }, "on", "off"] }
    },
    "catalog.dark-mode": { "state": "ENABLED", "variants": { "yes": true, "no": false }, "defaultVariant": "no" }
  }
}
`;

test('evaluates a flag as flagd does for an anonymous request: targeting returns off without an email', () => {
  const s = evaluate(FILE, 'catalog.new-search', 'git show main:flags.json');
  assert.equal(s.on, false, 'the targeting rule picks "off" when the context has no email');
  assert.equal(s.targeting, true);
  assert.equal(s.offVariant, 'off');
  assert.equal(s.defaultVariant, 'on');
});

test('turning off switches defaultVariant to the false variant and drops the targeting, keeping the other flags and the indentation', () => {
  const off = turnOffIn(FILE, 'catalog.new-search', 'flags.json');
  const s = evaluate(off, 'catalog.new-search', 'x');
  assert.deepEqual([s.on, s.defaultVariant, s.targeting], [false, 'off', false]);
  assert.equal(evaluate(off, 'catalog.dark-mode', 'x').defaultVariant, 'no');
  assert.match(off, /^\{\n {2}"\$schema"/);
  assert.ok(off.endsWith('}\n'));
  const back = restoreIn(off, 'catalog.new-search', evaluate(FILE, 'catalog.new-search', 'x').snapshot ?? '', 'x');
  assert.deepEqual(JSON.parse(back), JSON.parse(FILE), 'restore puts the saved definition back');
});

test('a flag with no false variant cannot be turned off; a missing flag is not found', () => {
  const noOff = FILE.replace('"no": false', '"no": true');
  assert.throws(() => turnOffIn(noOff, 'catalog.dark-mode', 'f'), /no variant whose value is false/);
  assert.throws(() => evaluate(FILE, 'catalog.nope', 'f'), /flag catalog\.nope is not defined in f/);
});

test('compares two versions flag by flag, and names changes outside flags', () => {
  const before = FILE.replace('"defaultVariant": "on"', '"defaultVariant": "off"').replace(/,\n {6}"targeting".*\n/, '\n');
  const after = FILE.replace('"https://flagd.dev/schema/v0/flags.json"', '"other"');
  const { changes, other } = compareDefinitions('f', before, after, { before: 'a', after: 'b' });
  assert.deepEqual(changes.map((c) => [c.key, c.before?.on, c.after?.targeting]), [['catalog.new-search', false, true]]);
  assert.deepEqual(other, ['$schema']);
});
