import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyAt, getAt } from './json-pointer.ts';

test('getAt reads objects and arrays, with ~1 and ~0 escapes', () => {
  const doc = { metadata: { annotations: { 'rewind.io/hold': 'x', 'a~b': 'y' } }, list: [{ n: 1 }] };
  assert.equal(getAt(doc, '/metadata/annotations/rewind.io~1hold'), 'x');
  assert.equal(getAt(doc, '/metadata/annotations/a~0b'), 'y');
  assert.equal(getAt(doc, '/list/0/n'), 1);
  assert.equal(getAt(doc, '/nope/deeper'), undefined);
});

test('copyAt sets the source value (creating parents), or removes the field when the source has none', () => {
  const target: Record<string, unknown> = { spec: { source: { targetRevision: 'main', path: 'p' } } };
  copyAt({ spec: { source: { targetRevision: 'abc' } } }, target, '/spec/source/targetRevision');
  assert.deepEqual(target, { spec: { source: { targetRevision: 'abc', path: 'p' } } });
  copyAt({ spec: {} }, target, '/spec/source/path');
  assert.deepEqual(target, { spec: { source: { targetRevision: 'abc' } } });
  copyAt({ spec: { syncPolicy: { automated: null } } }, target, '/spec/syncPolicy');
  assert.deepEqual(target, { spec: { source: { targetRevision: 'abc' }, syncPolicy: { automated: null } } });
  copyAt({}, target, '/metadata/labels');
  assert.equal('metadata' in target, false, 'nothing to copy: no parents created');
});
