import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeHttpServer, type FakeHttpServer } from '../../src/testing/fake-http-server.ts';
import { startSandboxProcess } from '../../src/testing/sandbox-process.ts';
import { incident } from './incident.ts';
import type { CliRun } from './cli.ts';

type Sandbox = Awaited<ReturnType<typeof startSandboxProcess>>;
const APP = 'bookstore-catalog-us-east'; // made P0 below: status channel, tenant contact, status page

const SLACK_TOKEN = 'xoxb-e2e-5ecret-slack-token';
const STATUSPAGE_KEY = 'sp-e2e-5ecret-api-key';

/** Every file under a folder, as text. */
function texts(dir: string): { path: string; text: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'config-repo.git' || name === 'remote.git' || name === '.git') return [];
    return statSync(p).isDirectory() ? texts(p) : [{ path: p, text: readFileSync(p, 'latin1') }];
  });
}

/**
 * A P0 incident end to end with Step 4 and 5 configured: a bot token (Web API), an Atlassian
 * status page and a runbook in a git repo, all on loopback receivers; then every output, log,
 * journal, postmortem and chart is searched for the secrets.
 */
describe('comms, postmortem and records through a whole incident', () => {
  let sb: Sandbox;
  let slack: FakeHttpServer;
  let page: FakeHttpServer;
  let env: NodeJS.ProcessEnv;
  let runbookRepo: string;
  const outputs: CliRun[] = [];
  let ts = 0;

  before(async () => {
    sb = await startSandboxProcess({ speed: 20 });
    slack = await startFakeHttpServer(() => ({ body: { ok: true, channel: 'C1', ts: `1780000000.${String(++ts).padStart(6, '0')}` } }));
    page = await startFakeHttpServer((r) => ({ status: r.method === 'POST' ? 201 : 200, body: { id: 'inc42' } }));
    runbookRepo = join(sb.dir, 'runbooks');
    const remote = join(sb.dir, 'remote.git');
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' } });
    git(sb.dir, 'init', '-q', '--bare', '-b', 'main', remote);
    git(sb.dir, 'clone', '-q', remote, runbookRepo);
    await writeFile(join(runbookRepo, 'code-rollback-argocd.md'), '# Code rollback via Argo CD\n\n## When this runbook last worked\n\n| Date | App | Region | Resolved by | Notes |\n|---|---|---|---|---|\n| 2026-05-01 | bookstore-catalog-us-east | us-east | Step 3b (rollback to id 38) | bad image digest |\n');
    git(runbookRepo, 'add', '.');
    git(runbookRepo, 'commit', '-qm', 'runbook');
    git(runbookRepo, 'push', '-q', '-u', 'origin', 'HEAD:main');
    await writeFile(join(sb.dir, 'statuspage-key'), STATUSPAGE_KEY, { mode: 0o600 });
    let yaml = await readFile(sb.configFile, 'utf8');
    // The sandbox's Prometheus answers over TLS with the sandbox CA and a token (written beside rewind.yaml).
    if (!/prometheus:\n( {2}.*\n)* {2}caFile:/.test(yaml)) yaml = yaml.replace(/^prometheus:\n {2}url: (.*)$/m, 'prometheus:\n  url: $1\n  caFile: ./ca.crt\n  tokenFile: ./prometheus-token');
    // The incident is a P0 here (the sandbox's catalog is P1): severity comes from rewind.yaml.
    yaml = yaml.replace(/(- name: bookstore-catalog-us-east\n(?: {4}.*\n)*? {4}severity: )P1/, '$1P0');
    assert.match(yaml, /- name: bookstore-catalog-us-east\n(?: {4}.*\n)*? {4}severity: P0/);
    yaml += [
      'comms:',
      '  slack:',
      '    botTokenEnv: E2E_SLACK_TOKEN',
      `    apiUrl: ${slack.url}/api/`,
      '    tenantChannel: "#acme-books-tenants"',
      '  statusPage:',
      '    atlassian:',
      '      pageId: kctbh9vrtdwd',
      '      apiKeyFile: ./statuspage-key',
      `      apiUrl: ${page.url}/v1`,
      '  timeout: 5s',
      'runbooks:',
      '  - name: code-rollback-argocd',
      '    file: ./runbooks/code-rollback-argocd.md',
      '    mechanisms: [argocd-rollback]',
      '    git: { authorName: rewind bot, authorEmail: rewind@acme.example, push: true }',
      '',
    ].join('\n');
    const config = join(sb.dir, 'rewind-comms.yaml');
    await writeFile(config, yaml);
    env = { REWIND_CONFIG: config, E2E_SLACK_TOKEN: SLACK_TOKEN };
  });
  after(async () => {
    await Promise.all([sb?.stop(), slack?.close(), page?.close()]);
  });

  test('rollback and finish tell the status channel, the tenant contact and the status page; the runbook gets its row; postmortem, runs, show, report and runbooks leak no secret', async () => {
    const inc = incident(sb, APP, env);
    const bad = await inc.breakIt();
    const dry = await inc.run(['rollback', APP, '--dry-run', '--yes']);
    outputs.push(dry);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(slack.requests.length + page.requests.length, 0, '--dry-run sends nothing');
    const rb = await inc.run(['rollback', APP, '--yes', '--reason', 'payments error rate after deploy']);
    outputs.push(rb);
    assert.equal(rb.code, 0, rb.stderr);
    const runId = /run (\d{8}-\d{6}-[\w.-]+)/.exec(rb.stderr + rb.stdout)?.[1] ?? '';
    assert.ok(runId, rb.stderr);
    await inc.revert(bad.revision);
    const fin = await inc.run(['finish', APP, '--yes']);
    outputs.push(fin);
    assert.equal(fin.code, 0, fin.stderr);

    const calls = slack.requests.map((r) => {
      const f = new URLSearchParams(String(r.body));
      return `${r.path.replace('/api/', '')} ${f.get('channel')}${f.get('thread_ts') ? ' reply' : ''}`;
    });
    for (const channel of ['#bookstore-platform-status', '#acme-books-tenants']) {
      assert.deepEqual(calls.filter((c) => c.includes(channel)), [
        `chat.postMessage ${channel}`,
        ...Array.from({ length: 3 }, () => [`chat.postMessage ${channel} reply`, `chat.update ${channel}`]).flat(),
      ], channel);
    }
    assert.ok(slack.requests.every((r) => r.headers.authorization === `Bearer ${SLACK_TOKEN}`));
    assert.deepEqual(page.requests.map((r) => `${r.method} ${r.path} ${(r.body as { incident: { status: string } }).incident.status}`), [
      'POST /v1/pages/kctbh9vrtdwd/incidents investigating',
      'PATCH /v1/pages/kctbh9vrtdwd/incidents/inc42 identified',
      'PATCH /v1/pages/kctbh9vrtdwd/incidents/inc42 monitoring',
      'PATCH /v1/pages/kctbh9vrtdwd/incidents/inc42 resolved',
    ]);
    const log = execFileSync('git', ['-C', join(sb.dir, 'remote.git'), 'log', '-1', '--format=%an|%s', 'main'], { encoding: 'utf8' }).trim();
    assert.equal(log, `rewind bot|runbook code-rollback-argocd: ${APP} recovered (run ${runId})`);

    const out = join(sb.dir, 'postmortems');
    await mkdir(out, { recursive: true });
    const pm = await inc.run(['postmortem', runId, '--out', out]);
    outputs.push(pm);
    assert.equal(pm.code, 0, pm.stderr);
    const md = await readFile(join(out, `${runId}.md`), 'utf8');
    for (const section of ['## Summary', '## Impact', '## Trigger and root cause', '## Detection', '## Resolution', '## Action items', '## Lessons learned', '## Timeline (UTC)']) assert.ok(md.includes(section), section);
    assert.match(md, /\| started notice sent to slack #acme-books-tenants \| \[journal line \d+\]/);
    assert.match(md, /Why did Argo Rollouts NOT auto-roll back\? \| there is no Rollout/);
    const chart = readdirSync(out).find((f) => f.endsWith('.svg'));
    assert.ok(chart, `a chart beside the draft: ${readdirSync(out).join(', ')}; ${pm.stderr}`);
    assert.ok(md.includes(`](${chart})`), 'the draft links its chart');
    const svg = await readFile(join(out, chart), 'utf8');
    for (const mark of ['deploy', 'rollback', 'recovered']) assert.match(svg, new RegExp(`data-mark="${mark}"`), mark);

    for (const args of [['runs'], ['show', runId], ['report'], ['runbooks'], ['show', runId, '-o', 'json'], ['runs', '-o', 'json']]) outputs.push(await inc.run(args));
    assert.equal(outputs.at(-3)?.code, 0, 'the runbook was exercised today: not stale');

    const haystack = [
      ...outputs.flatMap((o) => [{ path: 'stdout', text: o.stdout }, { path: 'stderr', text: o.stderr }]),
      { path: 'the sandbox log', text: sb.output() },
      ...texts(sb.dir).filter((f) => !f.path.endsWith('statuspage-key') && !f.path.endsWith('rewind-comms.yaml')),
    ];
    assert.ok(haystack.some((f) => f.path.endsWith('.jsonl')) && haystack.some((f) => f.path.endsWith('.svg')) , 'journal and chart are searched');
    for (const secret of [SLACK_TOKEN, STATUSPAGE_KEY]) {
      const found = haystack.filter((f) => f.text.includes(secret)).map((f) => f.path);
      assert.deepEqual(found, [], `${secret.slice(0, 8)}… leaked into ${found.join(', ')}`);
    }
  });
});
