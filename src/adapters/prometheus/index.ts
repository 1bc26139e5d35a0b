/**
 * @module Prometheus adapter: `MetricsSource` over the Prometheus HTTP API (and Alertmanager's).
 */
export { createPrometheusMetricsSource, toQueryResult, type PrometheusMetricsSourceOptions } from './prometheus-metrics-source.ts';
export type { PrometheusAuth } from './prometheus-transport.ts';
