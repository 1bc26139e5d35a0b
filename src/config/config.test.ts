import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadConfig } from './load-config.ts';
import { parseConfig } from './parse-config.ts';
import { resolveSecret } from './secrets.ts';
import { renderSchemaFile, SCHEMA_FILE } from './write-schema.ts';
import { tempDir } from '../testing/temp-dirs.ts';

const VALID = `clusters:
  - name: us-east
    context: us-east
argocd:
  url: https://argocd.example.com
configRepo:
  path: ./bookstore-platform-config
apps:
  - name: bookstore-catalog-us-east
    cluster: us-east
    namespace: bookstore-platform-acme-books
    workload: { kind: Deployment, name: catalog }
    severity: P1
    flags:
      - key: catalog.new-search
        provider: flagd
        gates: ['apps/catalog/**/search-*.yaml', 'key:SEARCH_INDEX']
        flagd: { file: ./apps/catalog/us-east/flags.flagd.json, configMap: catalog-flags }
`;
const FILE = '/etc/rewind/rewind.yaml';
const parse = (text: string, statMode?: (p: string) => number | undefined) =>
  parseConfig(text, FILE, statMode ? { statMode } : {});

describe('parseConfig', () => {
  it('normalizes a valid file: defaults, token from ARGOCD_AUTH_TOKEN, paths against the file folder', () => {
    const r = parse(VALID);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.argocd.token, { env: 'ARGOCD_AUTH_TOKEN' });
    assert.equal(r.config?.configRepo?.path, '/etc/rewind/bookstore-platform-config');
    assert.equal(r.config?.configRepo?.branch, 'main');
    assert.equal(r.config?.state.dir, undefined, 'the journal lives in the state directory, not beside the config file');
    assert.deepEqual(r.config?.apps[0]?.flags, [{ key: 'catalog.new-search', provider: 'flagd', gates: ['apps/catalog/**/search-*.yaml', 'key:SEARCH_INDEX'], flagd: { file: 'apps/catalog/us-east/flags.flagd.json', configMap: 'catalog-flags' } }]);
  });

  it('reads registries, the docker config by reference, and the verify policy (default: tags must resolve)', () => {
    assert.equal(parse(VALID).config?.apps[0]?.verify, undefined, 'not written: tags must resolve (core/analysis/verification.ts defaults)');
    assert.deepEqual(parse(VALID).config?.registries, []);
    const r = parse(`${VALID}    verify: { allowUnresolvedTags: true }\nregistries:\n  - { host: ghcr.io, url: "https://127.0.0.1:5003", caFile: ./ca.crt }\n  - { host: quay.io }\ndockerConfig: ./docker/config.json\n`);
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.apps[0]?.verify?.allowUnresolvedTags, true);
    assert.deepEqual(r.config?.registries, [
      { host: 'ghcr.io', url: 'https://127.0.0.1:5003', caFile: '/etc/rewind/ca.crt' },
      { host: 'quay.io' },
    ]);
    assert.equal(r.config?.dockerConfig, '/etc/rewind/docker/config.json');
  });

  it('reports malformed YAML with line and column', () => {
    const r = parse('argocd:\n  url: [https://x\napps: []\n');
    assert.equal(r.config, undefined);
    assert.match(r.errors[0]?.where ?? '', /^\/etc\/rewind\/rewind\.yaml:\d+:\d+$/);
    assert.match(r.errors[0]?.message ?? '', /^invalid YAML: /);
  });

  it('a flag names its provider\'s reference: flagd without flagd:, unleash without unleash:, a bad key gate', () => {
    const noRef = parse(VALID.replace("        flagd: { file: ./apps/catalog/us-east/flags.flagd.json, configMap: catalog-flags }\n", ''));
    assert.deepEqual(noRef.errors.map((e) => e.path), ['apps[0].flags[0].provider']);
    assert.match(noRef.errors[0]?.message ?? '', /flagd flag: it needs flagd: \{ file, configMap \}/);
    const unleash = parse(VALID.replace('provider: flagd', 'provider: unleash').replace("'key:SEARCH_INDEX'", "'key:SEARCH INDEX'"));
    assert.deepEqual(unleash.errors.map((e) => e.path).sort(), ['apps[0].flags[0].flagd', 'apps[0].flags[0].gates[1]', 'apps[0].flags[0].provider']);
    assert.match(unleash.errors.find((e) => e.path === 'apps[0].flags[0].provider')?.message ?? '', /needs unleash: \{ url, environment, adminTokenEnv, clientTokenEnv \}/);
  });

  it('points an unknown cluster reference at its line', () => {
    const r = parse(VALID.replace('    cluster: us-east', '    cluster: eu-west'));
    assert.deepEqual(r.errors.map((e) => [e.where, e.path]), [[`${FILE}:10:14`, 'apps[0].cluster']]);
    assert.match(r.errors[0]?.message ?? '', /unknown cluster "eu-west" \(known: us-east\)/);
  });

  it('refuses an inline token and says where to put it', () => {
    const r = parse(VALID.replace('  url: https://argocd.example.com', '  url: https://argocd.example.com\n  token: s3cr3t'));
    assert.equal(r.config, undefined);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]?.where, `${FILE}:6:3`);
    assert.match(r.errors[0]?.message ?? '', /put it in an env var \(tokenEnv\) or a 0600 file \(tokenFile\)/);
    assert.ok(!JSON.stringify(r).includes('s3cr3t'), 'the value never appears in the result');
    assert.deepEqual(r.warnings, [], 'an inline token is an error, not also an unknown key');
  });

  it('refuses a tokenFile readable by group or others', () => {
    const text = VALID.replace('  url: https://argocd.example.com', '  url: https://argocd.example.com\n  tokenFile: ./argocd-token');
    const r = parse(text, () => 0o100644);
    assert.match(r.errors[0]?.message ?? '', /tokenFile \/etc\/rewind\/argocd-token is mode 0644.*chmod 600/);
    assert.deepEqual(parse(text, () => 0o100600).errors, []);
    assert.deepEqual(parse(text, () => 0o100600).config?.argocd.token, { file: '/etc/rewind/argocd-token' });
  });

  it('warns about unknown keys with their line, and keeps the config', () => {
    const r = parse(VALID.replace('    severity: P1', '    severty: P1'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings.map((w) => [w.where, w.message]), [[`${FILE}:13:5`, 'unknown key "severty" (ignored)']]);
  });

  it('rejects a severity outside P0-P2, duplicate app names and a bad URL', () => {
    assert.match(parse(VALID.replace('severity: P1', 'severity: P5')).errors[0]?.message ?? '', /severity must be one of P0, P1, P2, not "P5"/);
    const twice = VALID + VALID.slice(VALID.indexOf('  - name: bookstore-catalog-us-east'));
    assert.match(parse(twice).errors[0]?.message ?? '', /app name "bookstore-catalog-us-east" is used twice/);
    assert.match(parse(VALID.replace('https://argocd.example.com', 'argocd.example.com')).errors[0]?.message ?? '', /is not an http\(s\) URL/);
  });

  it('names a missing required key', () => {
    const r = parse('apps: []\n');
    assert.equal(r.errors[0]?.message, 'missing required key "argocd"');
  });
});

describe('loadConfig', () => {
  const setup = async () => {
    const dir = await tempDir('rewind-config-');
    await mkdir(join(dir, '.rewind/sandbox'), { recursive: true });
    const write = (path: string, app: string) => writeFile(join(dir, path), VALID.replace('bookstore-catalog-us-east', app));
    return { dir, write };
  };
  const appOf = async (opts: Parameters<typeof loadConfig>[0]) => (await loadConfig(opts)).apps[0]?.name;

  it('looks at --config, then REWIND_CONFIG, then ./rewind.yaml, then the sandbox', async () => {
    const { dir, write } = await setup();
    await write('.rewind/sandbox/rewind.yaml', 'from-sandbox');
    assert.equal(await appOf({ env: {}, cwd: dir }), 'from-sandbox');
    await write('rewind.yaml', 'from-cwd');
    assert.equal(await appOf({ env: {}, cwd: dir }), 'from-cwd');
    await write('env.yaml', 'from-env');
    assert.equal(await appOf({ env: { REWIND_CONFIG: 'env.yaml' }, cwd: dir }), 'from-env');
    await write('flag.yaml', 'from-flag');
    assert.equal(await appOf({ flag: join(dir, 'flag.yaml'), env: { REWIND_CONFIG: 'env.yaml' }, cwd: dir }), 'from-flag');
  });

  it('names every place it looked when there is no config, with the sandbox hint', async () => {
    const dir = await tempDir('rewind-config-');
    await assert.rejects(loadConfig({ env: {}, cwd: dir }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /no --config, no \$REWIND_CONFIG, and none at .*rewind\.yaml or .*\.rewind\/sandbox\/rewind\.yaml/);
      assert.match(err.hint ?? '', /rewind sandbox up --detach/);
      return true;
    });
  });

  it('does not fall back when the file --config names is missing', async () => {
    const { dir, write } = await setup();
    await write('rewind.yaml', 'from-cwd');
    await assert.rejects(loadConfig({ flag: 'nope.yaml', env: {}, cwd: dir }), /nope\.yaml \(from --config\) does not exist/);
  });

  it('throws a ConfigError whose where is file:line:col, and checks the real tokenFile mode', async () => {
    const { dir } = await setup();
    await writeFile(join(dir, 'token'), 'abc\n');
    await chmod(join(dir, 'token'), 0o644);
    await writeFile(join(dir, 'rewind.yaml'), VALID.replace('  url: https://argocd.example.com', '  url: https://argocd.example.com\n  tokenFile: token'));
    await assert.rejects(loadConfig({ env: {}, cwd: dir }), (err: unknown) => err instanceof ConfigError && err.where === `${join(dir, 'rewind.yaml')}:6:14`);
    await chmod(join(dir, 'token'), 0o600);
    const config = await loadConfig({ env: {}, cwd: dir });
    assert.equal(await resolveSecret(config.argocd.token, {}), 'abc');
  });
});

describe('resolveSecret', () => {
  it('reads an env var and never echoes a value in its errors', async () => {
    assert.equal(await resolveSecret({ env: 'TOKEN' }, { TOKEN: 'xyz' }), 'xyz');
    await assert.rejects(resolveSecret({ env: 'TOKEN' }, {}), /environment variable TOKEN is not set/);
  });
});

describe('rewind.schema.json', () => {
  it('matches the schema definition (regenerate: node --import tsx src/config/write-schema.ts)', async () => {
    assert.equal(await readFile(SCHEMA_FILE, 'utf8'), renderSchemaFile());
  });
});
