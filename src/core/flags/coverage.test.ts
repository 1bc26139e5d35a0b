import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagCoverage, type Coverage } from './coverage.ts';
import { matchesGlob } from './glob.ts';
import type { DeclaredFlag, FlagChange, FlagEvidence, FlagState, Hunk } from './types.ts';

const FILE = 'apps/catalog/us-east/flags.flagd.json';
const SEARCH: DeclaredFlag = { key: 'catalog.new-search', provider: 'flagd', gates: ['apps/catalog/**/search-*.yaml', 'key:SEARCH_INDEX'], flagd: { file: FILE, configMap: 'catalog-flags' } };
const PRICING: DeclaredFlag = { key: 'catalog.new-pricing', provider: 'unleash', gates: ['key:PRICING_ENGINE'] };

const state = (key: string, on: boolean, targeting = false): FlagState => ({ key, on, defaultVariant: on ? 'on' : 'off', targeting, offVariant: 'off', source: 'git show' });
const change = (key: string, before: boolean | null, after: boolean | null, changed = true): FlagChange => ({
  key, file: FILE, before: before === null ? null : state(key, before), after: after === null ? null : state(key, after), definitionChanged: changed,
});
const hunk = (path: string, ...lines: string[]): Hunk => ({ path, header: '@@ -1,2 +1,2 @@', lines: lines.map((l) => ({ op: l[0] as ' ' | '+' | '-', text: l.slice(1) })) });
const flagHunk = hunk(FILE, ' "catalog.new-search": {', '-  "defaultVariant": "off",', '+  "defaultVariant": "on",');
const imageHunk = hunk('apps/catalog/us-east/kustomization.yaml', '-  digest: sha256:aa', '+  digest: sha256:bb');
const envHunk = hunk('apps/catalog/us-east/region-patch.yaml', '   - name: SEARCH_INDEX', '-    value: v1', '+    value: v2');

const evidence = (o: Partial<FlagEvidence>): FlagEvidence => ({ range: 'a1b2c3d..d8f3c2a', hunks: [], changes: [], otherChanges: [], live: [], ...o });

const cases: { title: string; ev: FlagEvidence; flags: DeclaredFlag[]; expect: (c: Coverage) => void }[] = [
  {
    title: 'the release only turned a declared flag on: covered, by that flag',
    ev: evidence({ hunks: [flagHunk], changes: [change('catalog.new-search', false, true)] }),
    flags: [SEARCH],
    expect: (c) => {
      assert.equal(c.covered, true);
      assert.ok(c.covered && c.how === 'turned-on');
      assert.deepEqual(c.covered && c.flags, ['catalog.new-search']);
      assert.match(c.hunks[0]!.why, /turns catalog\.new-search on/);
    },
  },
  {
    title: 'added targeting that turns it on for some users counts as turning it on',
    ev: evidence({ hunks: [flagHunk], changes: [{ ...change('catalog.new-search', false, false), after: state('catalog.new-search', false, true) }] }),
    flags: [SEARCH],
    expect: (c) => assert.equal(c.covered, true),
  },
  {
    title: 'the flag turned on and the image changed: only part covered, declined with the uncovered hunk',
    ev: evidence({ hunks: [flagHunk, imageHunk], changes: [change('catalog.new-search', false, true)] }),
    flags: [SEARCH],
    expect: (c) => {
      assert.equal(c.covered, false);
      assert.ok(!c.covered && /covers only part of the change: 1 of 2 changed hunks .*\/kustomization\.yaml/.test(c.reason), !c.covered ? c.reason : '');
      assert.deepEqual(c.hunks.map((h) => h.by.length), [1, 0]);
    },
  },
  {
    title: 'an env value under a gated config key is covered (the value line belongs to its name line)',
    ev: evidence({ hunks: [envHunk] }),
    flags: [SEARCH],
    expect: (c) => {
      assert.ok(c.covered && c.how === 'gated');
      assert.match(c.hunks[0]!.why, /SEARCH_INDEX, gated by catalog\.new-search/);
    },
  },
  {
    title: 'an env value under another key is not covered',
    ev: evidence({ hunks: [hunk('apps/catalog/us-east/region-patch.yaml', '   - name: LOG_LEVEL', '-    value: info', '+    value: debug')] }),
    flags: [SEARCH],
    expect: (c) => assert.equal(c.covered, false),
  },
  {
    title: 'a path glob gates a whole file',
    ev: evidence({ hunks: [hunk('apps/catalog/base/search-index.yaml', '+replicas: 2')] }),
    flags: [SEARCH],
    expect: (c) => assert.ok(c.covered && c.flags[0] === 'catalog.new-search'),
  },
  {
    title: 'a flag that was already on at last-known-good does not cover (turning it off is not going back)',
    ev: evidence({ hunks: [flagHunk], changes: [change('catalog.new-search', true, true)] }),
    flags: [SEARCH],
    expect: (c) => assert.ok(!c.covered && /already on at last-known-good/.test(c.reason)),
  },
  {
    title: 'the flag file also turned on an undeclared flag: not covered',
    ev: evidence({ hunks: [flagHunk], changes: [change('catalog.new-search', false, true), { ...change('catalog.other', false, true) }] }),
    flags: [SEARCH],
    expect: (c) => assert.ok(!c.covered && /does not declare: catalog\.other/.test(c.reason)),
  },
  {
    title: 'the flag file changed its shared evaluators: not covered',
    ev: evidence({ hunks: [flagHunk], changes: [change('catalog.new-search', false, true)], otherChanges: [{ file: FILE, what: '$evaluators' }] }),
    flags: [SEARCH],
    expect: (c) => assert.ok(!c.covered && /\$evaluators/.test(c.reason)),
  },
  {
    title: 'two flags each gate their own hunk: covered by both',
    ev: evidence({ hunks: [envHunk, hunk('apps/catalog/us-east/region-patch.yaml', '-  PRICING_ENGINE: v1', '+  PRICING_ENGINE: v2')] }),
    flags: [SEARCH, PRICING],
    expect: (c) => assert.deepEqual(c.covered && c.flags, ['catalog.new-search', 'catalog.new-pricing']),
  },
  {
    title: 'nothing changed: no flag can be shown to cover it',
    ev: evidence({}),
    flags: [SEARCH],
    expect: (c) => assert.ok(!c.covered && /changed nothing/.test(c.reason)),
  },
];

for (const c of cases) test(c.title, () => c.expect(flagCoverage(c.ev, c.flags)));

test('globs: ** crosses folders, * does not, braces pick one', () => {
  assert.equal(matchesGlob('apps/catalog/us-east/search-a.yaml', 'apps/catalog/**/search-*.yaml'), true);
  assert.equal(matchesGlob('apps/catalog/search-a.yaml', 'apps/catalog/**/search-*.yaml'), true);
  assert.equal(matchesGlob('apps/catalog/us-east/x/search-a.yaml', 'apps/catalog/*/search-*.yaml'), false);
  assert.equal(matchesGlob('apps/catalog/us-east/a.json', 'apps/catalog/us-east/*.{yaml,json}'), true);
});
