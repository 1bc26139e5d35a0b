import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLabelSelector, fromLabelSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';

describe('label selectors', () => {
  const labels = { app: 'catalog', tier: 'web' };
  const cases: [string, boolean][] = [
    ['app=catalog', true],
    ['app==catalog,tier=web', true],
    ['app!=catalog', false],
    ['tier in (web, api)', true],
    ['app in (orders),tier', false],
    ['tier notin (api)', true],
    ['canary', false],
    ['!canary', true],
    ['', true],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}" → ${expected}`, () => assert.equal(matchesLabels(parseLabelSelector(text), labels), expected));
  }

  it('rejects a malformed selector', () => assert.throws(() => parseLabelSelector('app=(x'), /unable to parse/));

  it('turns a spec selector into the text kubectl sends back', () => {
    const selector = { matchLabels: { app: 'catalog' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['web'] }] };
    assert.equal(formatLabelSelector(selector), 'app=catalog,tier in (web)');
    assert.equal(matchesLabels(fromLabelSelector(selector), { app: 'catalog', tier: 'web' }), true);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'shop' }, status: { phase: 'Running' } };
  it('match metadata and status fields', () => {
    assert.equal(matchesFields(parseFieldSelector('metadata.name=p,metadata.namespace=shop'), pod), true);
    assert.equal(matchesFields(parseFieldSelector('status.phase!=Running'), pod), false);
  });
});
