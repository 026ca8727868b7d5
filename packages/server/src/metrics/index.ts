export { type CreateMetricsOptions, createMetrics, type Metrics } from './metrics.js';
