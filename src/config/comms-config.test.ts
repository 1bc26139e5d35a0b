import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './parse-config.ts';

const BASE = `clusters: [{ name: us-east, context: us-east }]
argocd: { url: https://argocd.example.com }
apps:
  - { name: a, cluster: us-east, namespace: n, workload: { kind: Deployment, name: catalog }, severity: P0, slackChannel: "#status" }
`;
const parse = (extra: string, modes: Record<string, number> = {}) => parseConfig(BASE + extra, '/etc/rewind/rewind.yaml', { statMode: (p) => modes[p] });

describe('comms and runbooks in rewind.yaml', () => {
  it('normalizes secrets to references, paths against the file, defaults for timeout, retries and git identity', () => {
    const r = parse(`comms:
  slack: { botTokenEnv: SLACK_BOT_TOKEN, tenantChannel: "#tenants" }
  statusPage: { atlassian: { pageId: p1, apiKeyFile: ./sp-key, componentIds: [c1] } }
runbooks:
  - { name: code-rollback-argocd, file: ./runbooks/argocd.md, mechanisms: [argocd-rollback] }
`, { '/etc/rewind/sp-key': 0o100600 });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.comms, {
      slack: { apiUrl: 'https://slack.com/api/', botToken: { env: 'SLACK_BOT_TOKEN' }, tenantChannel: '#tenants' },
      statusPage: { kind: 'atlassian', pageId: 'p1', apiKey: { file: '/etc/rewind/sp-key' }, apiUrl: 'https://api.statuspage.io/v1', componentIds: ['c1'] },
      timeoutMs: 10_000,
      retries: 4,
    });
    assert.deepEqual(r.config?.runbooks, [{ name: 'code-rollback-argocd', file: '/etc/rewind/runbooks/argocd.md', mechanisms: ['argocd-rollback'], git: { authorName: 'rewind', authorEmail: 'rewind@localhost', push: false } }]);
  });

  it('refuses an inline webhook URL, two Slack modes at once, a world-readable key file and a timeout that is not a duration', () => {
    const inline = parse('comms:\n  slack: { webhookUrl: "https://hooks.slack.com/services/T/B/x" }\n');
    assert.ok(inline.errors.some((e) => /webhookUrl/.test(e.message)), JSON.stringify(inline.errors));
    const r = parse('comms:\n  slack: { botTokenEnv: T, webhookUrlEnv: H }\n  statusPage: { atlassian: { pageId: p, apiKeyFile: ./k } }\n  timeout: soon\n', { '/etc/rewind/k': 0o100644 });
    const messages = r.errors.map((e) => e.message).join('\n');
    assert.match(messages, /a bot token or a webhook URL for Slack, not both/);
    assert.match(messages, /apiKeyFile \/etc\/rewind\/k is mode 0644/);
    assert.match(messages, /comms.timeout must be a duration/);
  });

  it('says each inline secret once, naming the keys that exist', () => {
    const key = parse('comms:\n  statusPage: { atlassian: { pageId: p, apiKey: k } }\n');
    assert.equal(key.errors.filter((e) => /inline secret "apiKey"/.test(e.message)).length, 1, JSON.stringify(key.errors));
    const url = parse('comms:\n  statusPage: { url: "https://status.example.com/hook/x" }\n');
    assert.deepEqual(url.errors.map((e) => e.message), ['inline secret "url" is not allowed: use webhookUrlEnv (an environment variable) or webhookUrlFile (a 0600 file)']);
  });
});
