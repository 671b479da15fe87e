/** Incidents: what is down, maintenance windows, the public status view and what callers hear. */
export type * from './types.ts';
export { createIncidents, type IncidentsDeps } from './create-incidents.ts';
export { loadStatusConfig, parseStatusConfig, DEFAULT_STATUS_CONFIG, DEFAULT_STATUS_CONFIG_PATH } from './status-config.ts';
export { parseCreateIncident, parseUpdateIncident, parseScheduleMaintenance, TEXT_LIMITS, IMPACTS, CAUSES, INCIDENT_STATUSES } from './input-schema.ts';
export { marketOf } from './announcement.ts';
export { REPEAT_WINDOW_MS } from './heard.ts';
export { VIEW_TTL_MS } from './public-cache.ts';
export * from './subscribers/index.ts';
export * from './webhooks/index.ts';
export { createOutageDetector, type OutageDetector, type OutageDetectorDeps, type TrafficPort } from './detector/detector.ts';
export { observeMinute, emptyState, slotOf, DEFAULT_DETECTOR_OPTIONS, type DetectorOptions, type DetectorState, type Anomaly } from './detector/model.ts';
export { poisson, seededRandom } from './detector/replay.ts';
