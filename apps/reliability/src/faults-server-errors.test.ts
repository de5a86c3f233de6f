import { describe } from 'vitest';
import { faultTests, scenarios } from './fault-suite.js';

describe('server errors: retried with backoff, nothing lost', () => {
  faultTests(
    scenarios(
      '500 internal_server_error',
      '502 with a JSON body',
      '502 with an HTML body',
      '503 service_unavailable',
      '504 gateway_timeout',
    ),
    72,
  );
});
