/** The Cloud Monitoring adapter: the production metrics port (adapter.ts) and the error it throws (errors.ts). */
export { createMonitoringAdapter, type MonitoringAdapter, type MonitoringAdapterOptions } from './adapter.js';
export { MonitoringError } from './errors.js';
