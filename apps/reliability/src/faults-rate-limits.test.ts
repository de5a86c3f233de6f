import { describe } from 'vitest';
import { faultTests, scenarios } from './fault-suite.js';

describe('rate limits (time-scaled): the capture waits and completes', () => {
  faultTests(
    scenarios(
      '429 with a short Retry-After',
      '429 with a multi-minute Retry-After (time-scaled)',
      'workspace rate limit (Retry-After 430 s, time-scaled)',
      '529 service_overload',
    ),
    71,
  );
});
