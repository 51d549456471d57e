import * as api from './index';
import * as testing from './testing';

it('pins the public surface', () => {
  expect(Object.keys(api).sort()).toEqual([
    'CircuitBreaker',
    'DEFAULT_HEDGE_DELAY_MS',
    'DEFAULT_LOW_SPEED',
    'DEFAULT_MAX_BUFFER_BYTES',
    'DEFAULT_MAX_REDIRECTS',
    'DEFAULT_MIN_SEGMENT_BYTES',
    'DEFAULT_RETRY',
    'DEFAULT_SEGMENTS',
    'DEFAULT_TIMEOUTS',
    'DIGEST_ALGORITHMS',
    'DOWNLOAD_LIMITS',
    'DestinationError',
    'DownloadError',
    'DownloadErrorCode',
    'HttpFetcher',
    'defaultBreaker',
    'downloadFile',
    'downloadToBuffer',
    'fetchText',
    'isPartialName',
    'partialPaths',
  ]);
  expect(Object.keys(testing).sort()).toEqual(['mulberry32', 'startFaultServer']);
});
