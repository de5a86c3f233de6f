import { describe } from 'vitest';
import { faultTests, scenarios } from './fault-suite.js';

describe('transport faults and search quirks: healed, nothing lost', () => {
  faultTests(
    scenarios(
      'connection resets',
      'truncated bodies',
      'slow responses (90 emulated s)',
      'search cursor expires during a rate-limit pause',
      'search index lags behind edits',
      '404 subtrees and unsupported blocks',
    ),
    73,
  );
});
