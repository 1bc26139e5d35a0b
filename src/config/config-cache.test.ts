import assert from 'node:assert/strict';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadConfig } from './load-config.ts';
import { tempDir } from '../testing/temp-dirs.ts';

const CONFIG = `clusters:
  - name: us-east
    context: us-east
argocd:
  url: https://argocd.example.com
  tokenFile: ./token
apps:
  - name: catalog
    cluster: us-east
    namespace: shop
    workload: { kind: Deployment, name: catalog }
    severity: P1
`;

async function setup(text = CONFIG) {
  const dir = await tempDir('rewind-config-cache-');
  const file = join(dir, 'rewind.yaml');
  await writeFile(file, text);
  await writeFile(join(dir, 'token'), 'secret\n', { mode: 0o600 });
  const cacheDir = join(dir, 'state');
  const warnings: string[] = [];
  const load = (build = 'b1') => loadConfig({ flag: file, env: {}, cwd: dir, cache: { dir: cacheDir, build }, onWarning: (w) => warnings.push(`${w.where}: ${w.message}`) });
  const cacheFile = join(cacheDir, 'config-cache.json');
  /** Changes the kept answer behind rewind's back: a load that returns the change was served from the cache. */
  const tamper = async () => {
    const entry = JSON.parse(await readFile(cacheFile, 'utf8')) as { config: { argocd: { url: string } } };
    entry.config.argocd.url = 'https://from-the-cache.example';
    await writeFile(cacheFile, JSON.stringify(entry));
  };
  return { dir, file, cacheDir, cacheFile, load, tamper, warnings };
}

describe('the parsed rewind.yaml kept between commands', () => {
  it('a second load of the same file answers from the cache, with the same config', async () => {
    const s = await setup();
    const first = await s.load();
    assert.equal(first.argocd.url, 'https://argocd.example.com');
    assert.deepEqual(await s.load(), first);
    await s.tamper();
    assert.equal((await s.load()).argocd.url, 'https://from-the-cache.example');
    assert.equal(((await readFile(s.cacheFile)).toString().includes('secret')), false, 'no secret is kept');
  });

  it('another text, another build or another file is parsed again', async () => {
    const s = await setup();
    await s.load();
    await s.tamper();
    assert.equal((await s.load('b2')).argocd.url, 'https://argocd.example.com', 'another build');
    await s.tamper();
    await writeFile(s.file, CONFIG.replace('severity: P1', 'severity: P2'));
    const edited = await s.load('b2');
    assert.equal(edited.argocd.url, 'https://argocd.example.com', 'another text');
    assert.equal(edited.apps[0]?.severity, 'P2');
    await s.tamper();
    const other = join(s.dir, 'other.yaml');
    await writeFile(other, CONFIG.replace('severity: P1', 'severity: P2'));
    const elsewhere = await loadConfig({ flag: other, env: {}, cwd: s.dir, cache: { dir: s.cacheDir, build: 'b2' } });
    assert.equal(elsewhere.argocd.url, 'https://argocd.example.com', 'another file');
  });

  it('a secret file whose mode changed since is checked again: made readable by others, the config is refused', async () => {
    const s = await setup();
    await s.load();
    await chmod(join(s.dir, 'token'), 0o644);
    await assert.rejects(s.load(), (e: unknown) => e instanceof ConfigError && /tokenFile .*token is mode 0644/.test(e.message));
  });

  it('warnings are said again on a cache hit; a config with errors is never kept', async () => {
    const s = await setup(`${CONFIG}surprise: 1\n`);
    await s.load();
    await s.tamper();
    assert.equal((await s.load()).argocd.url, 'https://from-the-cache.example');
    assert.equal(s.warnings.length, 2);
    assert.equal(s.warnings[0], s.warnings[1]);
    assert.match(s.warnings[0] ?? '', /rewind\.yaml:\d+:\d+: .*surprise/);
    const bad = await setup(CONFIG.replace('tokenFile: ./token', 'token: inline'));
    await assert.rejects(bad.load(), ConfigError);
    await assert.rejects(readdir(bad.cacheDir), { code: 'ENOENT' });
  });

  it('a cache that cannot be written or read costs only the parse', async () => {
    const s = await setup();
    // A file where the cache folder goes.
    await writeFile(s.cacheDir, 'not a folder');
    assert.equal((await s.load()).argocd.url, 'https://argocd.example.com');
    const t = await setup();
    await t.load();
    await writeFile(t.cacheFile, '{ not json');
    assert.equal((await t.load()).argocd.url, 'https://argocd.example.com');
  });
});
