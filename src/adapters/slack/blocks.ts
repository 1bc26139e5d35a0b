/**
 * Step 4's messages as Block Kit (https://api.slack.com/reference/block-kit/blocks): a header with
 * the severity, app and status, the seed's sentence as a section, and the run in a context line.
 * `text` is the same sentence, the fallback Slack shows in notifications.
 */
import type { Notice } from '../../core/comms.ts';

export type Block =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string } }
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | { readonly type: 'context'; readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[] };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** Slack's mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One notice as a message.
 *
 * ### Examples
 * ```ts
 * noticeMessage(notice).blocks[0]; // { type: 'header', text: { type: 'plain_text', text: 'P1 bookstore-catalog-us-east: rolled back, verifying' } }
 * ```
 */
export function noticeMessage(n: Notice): SlackMessage {
  const f = n.facts;
  return {
    text: n.text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${f.severity} ${f.app}: ${n.status}` } },
      { type: 'section', text: { type: 'mrkdwn', text: escape(n.text) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `rewind run \`${escape(f.runId)}\` · ${n.event}` }] },
    ],
  };
}
