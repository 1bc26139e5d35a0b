import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApplicationBodyReader, type ApplicationBody } from './application-body-reader.ts';
import { toApplicationState } from './argocd-application.ts';
import { toHistory } from './argocd-history.ts';

type Json = Record<string, unknown>;

const source = { repoURL: 'https://git.example/config', path: 'apps/catalog/us-east', targetRevision: 'main' };
const entry = (id: number): Json => ({
  id,
  revision: id.toString(16).padStart(40, 'a'),
  deployStartedAt: '2026-11-30T23:04:06Z',
  deployedAt: `2026-11-30T23:${String(id % 60).padStart(2, '0')}:07Z`,
  source,
  initiatedBy: id % 7 === 0 ? { username: 'alice' } : { automated: true },
});

function app(history: unknown[] | undefined, extra: { spec?: Json; annotations?: Json } = {}): Json {
  return {
    metadata: { name: 'catalog', namespace: 'argocd', annotations: { team: 'books', ...extra.annotations } },
    spec: { project: 'default', source, destination: { namespace: 'shop', server: 'https://kubernetes.default.svc' }, ...extra.spec },
    status: {
      resources: [{ kind: 'Deployment', name: 'catalog', status: 'Synced' }],
      sync: { status: 'Synced', revision: 'a'.repeat(40) },
      health: { status: 'Healthy' },
      ...(history ? { history } : {}),
      reconciledAt: '2026-11-30T23:05:00Z',
      summary: { images: ['ghcr.io/acme/catalog:1.4.2'] },
    },
  };
}

function read(text: string, chunk: number, piece?: number): ApplicationBody {
  const reader = createApplicationBodyReader(piece);
  for (let i = 0; i < text.length; i += chunk) reader.write(text.slice(i, i + chunk));
  return reader.end();
}

/** What the whole text parsed at once gives: the reference the reader must match. */
function assertSameAsWhole(text: string, body: ApplicationBody, label: string): void {
  const whole = JSON.parse(text) as Json;
  assert.deepEqual(toApplicationState(body.json, body.history), toApplicationState(whole), label);
  const status = (whole['status'] ?? {}) as Json;
  assert.deepEqual(body.history, 'history' in status ? toHistory(status['history']) : undefined, label);
  // Everything but the history's entries is the object as sent.
  const strip = (j: unknown): Json => {
    const o = structuredClone(j) as Json;
    if (o['status']) delete (o['status'] as Json)['history'];
    return o;
  };
  assert.deepEqual(strip(body.json), strip(whole), label);
}

test('the history is read a piece at a time, to the same application as the whole text parsed at once', () => {
  const history = Array.from({ length: 2000 }, (_, i) => entry(i + 1));
  for (const text of [JSON.stringify(app(history)), JSON.stringify(app(history), null, 2)]) {
    for (const chunk of [1, 7, 1000, 16 * 1024, text.length]) {
      const body = read(text, chunk);
      assertSameAsWhole(text, body, `chunks of ${chunk}`);
      assert.equal(body.history?.length, 2000);
      // Only what arrived after the last piece stays in the object (at most a piece and a chunk):
      // the rest was parsed and let go.
      const kept = ((body.json as Json)['status'] as Json)['history'] as unknown[];
      const limit = chunk === text.length ? 2000 : Math.ceil(((32 * 1024 + chunk) / text.length) * 2000) + 1;
      assert.ok(kept.length <= limit, `${kept.length} entries kept in the object (chunks of ${chunk}, at most ${limit})`);
    }
  }
});

test('no history, an empty one, one entry, and no status at all', () => {
  for (const doc of [app(undefined), app([]), app([entry(1)]), { metadata: { name: 'x' } }, {}]) {
    const text = JSON.stringify(doc);
    for (const chunk of [1, 5, text.length]) assertSameAsWhole(text, read(text, chunk, 64), JSON.stringify(doc).slice(0, 60));
  }
  assert.deepEqual(read('', 1).json, {});
});

test('a "history" key elsewhere is passed over, and cuts inside strings or nested arrays are not taken', () => {
  const tricky = Array.from({ length: 300 }, (_, i) => ({
    ...entry(i + 1),
    // Text that looks like a boundary between entries, and multi-source apps' nested array.
    ...(i % 3 === 0 ? { revision: `r${i}"},{"id":99,"x":"}, {` } : {}),
    ...(i % 5 === 0 ? { source: undefined, sources: [source, { ...source, path: 'b' }, { repoURL: 'https://charts.example', chart: 'x' }] } : {}),
  }));
  const doc = app(tricky, {
    // Arrays of entry-like objects, long enough that a piece of them would parse.
    spec: { source: { ...source, helm: { valuesObject: { status: { history: Array.from({ length: 100 }, (_, i) => entry(i + 1000)) }, history: [{ id: 2 }] } } } },
    annotations: { note: '"history":[{"id":5}]', 'also "history": [': '}]' },
  });
  for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 3)]) {
    for (const chunk of [1, 13, 4096, text.length]) {
      const body = read(text, chunk, 512);
      assertSameAsWhole(text, body, `chunks of ${chunk}`);
      assert.equal(body.history?.length, 300);
    }
  }
});

test('entries out of order across pieces come back sorted by id', () => {
  const ids = Array.from({ length: 500 }, (_, i) => ((i * 37) % 500) + 1);
  const text = JSON.stringify(app(ids.map(entry)));
  const body = read(text, 999, 1024);
  assert.deepEqual(body.history?.map((h) => h.id), Array.from({ length: 500 }, (_, i) => i + 1));
  assertSameAsWhole(text, body, 'unsorted');
});

test('a body that is not JSON fails as JSON.parse of the whole text would', () => {
  const good = JSON.stringify(app(Array.from({ length: 200 }, (_, i) => entry(i + 1))));
  const broken = [good.slice(0, good.length - 3000), good.replace('"deployedAt":"2026-11-30T23:59:07Z"', '"deployedAt":2026-11-30'), '<html>502 Bad Gateway</html>', '{"status":{"history":['];
  for (const text of broken) {
    assert.throws(() => JSON.parse(text), SyntaxError);
    for (const chunk of [1, 100, text.length]) assert.throws(() => read(text, chunk, 256), SyntaxError, text.slice(0, 40));
  }
});
