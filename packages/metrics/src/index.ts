export { MetricsErrorCode } from './errors';
export {
  METRICS_RECORD_VERSION,
  DOWNLOAD_KINDS,
  MetricsRecordSchema,
  metricsLines,
  parseMetricsLines,
  isDownloadRecord,
  isAttemptRecord,
} from './records';
export type { DownloadKind, DownloadSubject, AttemptRecord, DownloadRecord, MetricsRecord, SkippedLine, ParsedLines } from './records';
export { MetricsRecorder, originOf, mirrorNamesFromBases } from './recorder';
export type { MetricsSink, MetricsRecorderOptions, DownloadWatch } from './recorder';
export { JsonLinesFileSink, readMetricsFiles, rotatedMetricsFiles, DEFAULT_MAX_FILE_BYTES, DEFAULT_KEEP_FILES } from './file-sink';
export type { JsonLinesFileSinkOptions, MetricsFiles } from './file-sink';
export { HttpMetricsSink, METRICS_CONTENT_TYPE } from './http-sink';
export type { HttpMetricsSinkOptions } from './http-sink';
export { metricsSettingsFromEnv, metricsRecorderFromSettings, DEFAULT_METRICS_FILE, METRICS_ENV } from './settings';
export type { MetricsSettings, RecorderDeps } from './settings';
export {
  HEALTH_RECORD_VERSION,
  HEALTH_RECORDS_PREFIX,
  HealthRecordSchema,
  healthRecordFromValue,
  parseHealthRecord,
  healthRecordKey,
} from './health';
export type { HealthRecord, MirrorHealthSample, MirrorHealthObjects } from './health';
export { nearestRank, summarizeDurations } from './percentile';
export type { DurationSummary } from './percentile';
export { aggregateDownloads, aggregateHealth, NOT_DISTRIBUTION_FAILURES, ARTIFACT_KINDS } from './aggregate';
export type {
  TimeWindow,
  DownloadAggregate,
  MirrorDownloadStats,
  ArtifactDownloadStats,
  HealthAggregate,
  MirrorHealthStats,
  MirrorHealthPoint,
  DailyAvailability,
  ArtifactAvailability,
} from './aggregate';
export {
  metricsReport,
  metricsReportTables,
  metricsReportMarkdown,
  metVerdict,
  SUCCESS_TARGETS,
  DEFAULT_WINDOW_DAYS,
} from './report';
export type { MetricsReport, MetricsReportInput, SuccessMetric, SuccessMetricId } from './report';
export { markdownTable, markdownTables, markdownCell, formatPercent, formatSeconds, formatDuration, formatCount } from './tables';
export type { ReportTable } from './tables';
