import * as api from './index';

describe('@potions/metrics public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'ARTIFACT_KINDS',
        'DEFAULT_KEEP_FILES',
        'DEFAULT_MAX_FILE_BYTES',
        'DEFAULT_METRICS_FILE',
        'DEFAULT_WINDOW_DAYS',
        'DOWNLOAD_KINDS',
        'HEALTH_RECORDS_PREFIX',
        'HEALTH_RECORD_VERSION',
        'HealthRecordSchema',
        'HttpMetricsSink',
        'JsonLinesFileSink',
        'METRICS_CONTENT_TYPE',
        'METRICS_ENV',
        'METRICS_RECORD_VERSION',
        'MetricsErrorCode',
        'MetricsRecordSchema',
        'MetricsRecorder',
        'NOT_DISTRIBUTION_FAILURES',
        'SUCCESS_TARGETS',
        'aggregateDownloads',
        'aggregateHealth',
        'formatCount',
        'formatDuration',
        'formatPercent',
        'formatSeconds',
        'healthRecordFromValue',
        'healthRecordKey',
        'isAttemptRecord',
        'isDownloadRecord',
        'markdownCell',
        'markdownTable',
        'markdownTables',
        'metVerdict',
        'metricsLines',
        'metricsRecorderFromSettings',
        'metricsReport',
        'metricsReportMarkdown',
        'metricsReportTables',
        'metricsSettingsFromEnv',
        'mirrorNamesFromBases',
        'nearestRank',
        'originOf',
        'parseHealthRecord',
        'parseMetricsLines',
        'readMetricsFiles',
        'rotatedMetricsFiles',
        'summarizeDurations',
      ].sort(),
    );
  });

  it('keeps test helpers out of the public surface', () => {
    expect(Object.keys(api)).not.toContain('startJsonLinesCollector');
    expect(Object.keys(api)).not.toContain('sampleMetrics');
  });
});
