import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesOf, parseKustomization, withoutImages } from './kustomization.ts';

const TEXT = `resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/catalog\n    digest: sha256:${'a'.repeat(64)}\n`;

test('a kustomization text is parsed once: the same frozen document each time it is read', () => {
  const first = parseKustomization(TEXT);
  assert.deepEqual(first, { resources: ['../base'], images: [{ name: 'ghcr.io/acme/catalog', digest: `sha256:${'a'.repeat(64)}` }] });
  assert.equal(parseKustomization(TEXT), first, 'the same text, the same object');
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first['resources']) && Object.isFrozen((first['images'] as object[])[0]));
  assert.throws(() => ((first['resources']).push('../other')), TypeError);
  // What callers derive from it is theirs to change.
  const rest = withoutImages(first);
  rest['namespace'] = 'shop';
  assert.deepEqual(imagesOf(first), [{ name: 'ghcr.io/acme/catalog', digest: `sha256:${'a'.repeat(64)}` }]);
  const other = parseKustomization(TEXT.replace('../base', '../base-v2'));
  assert.notEqual(other, first);
  assert.deepEqual(other!['resources'], ['../base-v2']);
});

test('a text that is not YAML, or no text, is no document, every time', () => {
  for (let i = 0; i < 2; i++) {
    assert.equal(parseKustomization('resources: [unclosed'), undefined);
    assert.equal(parseKustomization(undefined), undefined);
  }
  assert.deepEqual(parseKustomization('- a list'), {});
});
