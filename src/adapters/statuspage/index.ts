export { createAtlassianStatusPage, createWebhookStatusPage, incidentTitle, type AtlassianStatusPageOptions, type WebhookStatusPageOptions } from './statuspage-notifier.ts';
