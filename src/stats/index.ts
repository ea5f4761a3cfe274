// The stats page (HTML, CSV, admin actions) and the Prometheus exporter:
// what a frontend answers itself at `stats uri` or on `use-service`.
export { LocalServices } from './local-services.ts';
export { renderStatsPage, type PageOptions } from './stats-page.ts';
export { renderMetrics, type ProcessInfo } from './metrics.ts';
export { applyAdminForm, OUTCOME_TEXT, type AdminOutcome } from './admin-form.ts';
