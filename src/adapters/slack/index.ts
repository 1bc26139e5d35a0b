export { createSlackWebhookNotifier, type SlackWebhookOptions } from './slack-webhook-notifier.ts';
export { createSlackWebApiNotifier, type SlackWebApiOptions } from './slack-web-api-notifier.ts';
export { noticeMessage, type SlackMessage } from './blocks.ts';
