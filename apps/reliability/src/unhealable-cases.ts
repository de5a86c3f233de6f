// Faults that cannot heal (a revoked token, a blocked integration, a removed capability), each
// with the last log line the user must see; played by the fault proxy in the CI tests and the
// torture script.
import type { ProxyRule } from './fault-proxy.js';

export interface UnhealableCase {
  name: string;
  rule: ProxyRule;
  /** The last log line the user sees. */
  message: RegExp;
}

/** Faults that cannot heal, played by the fault proxy after some requests went through. */
export const UNHEALABLE_CASES: UnhealableCase[] = [
  {
    name: 'the token is revoked mid-capture (401 unauthorized)',
    rule: { failAfter: 30, status: 401, body: { code: 'unauthorized', message: 'API token is invalid.' } },
    message:
      /^Notion rejected the token \(401 unauthorized\): it is invalid or was revoked\. Fix: set credentials\.token/,
  },
  {
    name: 'Notion blocks the integration (429 public_api_request_blocked)',
    rule: {
      failAfter: 30,
      status: 429,
      headers: { 'retry-after': '60' },
      body: {
        code: 'rate_limited',
        message: 'This integration is blocked.',
        additional_data: { rate_limit_reason: 'public_api_request_blocked', retry_after: 60 },
      },
    },
    message:
      /^Notion is blocking this integration's API requests \(429 public_api_request_blocked\); retrying will not help\. Fix:/,
  },
  {
    name: 'the "Read comments" capability is removed mid-capture (403 restricted_resource)',
    rule: {
      match: (_method, path) => path.startsWith('/v1/comments'),
      failAfter: 3,
      status: 403,
      body: { code: 'restricted_resource', message: 'Insufficient permissions for this endpoint.' },
    },
    message: /comments.*403 restricted_resource.*"Read comments" capability.*enable it/,
  },
];
