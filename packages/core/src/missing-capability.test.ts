import { describe, expect, it } from 'vitest';
import { isNotionApiError, NotionApiError } from './errors.js';
import { missingCapabilityError } from './missing-capability.js';

describe('missingCapabilityError', () => {
  it('keeps the Notion error and says what to enable, where', () => {
    const original = new NotionApiError({
      status: 403,
      code: 'restricted_resource',
      requestId: 'req-9',
      operation: 'list comments',
    });
    const error = missingCapabilityError(original, {
      capability: 'Read comments',
      action: 'list comments',
      binding: 'comments',
    });
    expect(isNotionApiError(error, 'restricted_resource')).toBe(true);
    expect(error.status).toBe(403);
    expect(error.requestId).toBe('req-9');
    expect(error.isRetryable).toBe(false);
    expect(error.cause).toBe(original);
    expect(error.message).toBe(
      'list comments: Notion answered 403 restricted_resource: the integration lacks the "Read comments" ' +
        'capability, so it cannot list comments. Enable "Read comments" under Capabilities at ' +
        'notion.so/profile/integrations, or disable the comments binding (request id req-9)',
    );
  });

  it('names a more specific setting to enable when given', () => {
    const original = new NotionApiError({
      status: 403,
      code: 'restricted_resource',
      operation: 'list users',
    });
    const error = missingCapabilityError(original, {
      capability: 'Read user information',
      action: 'list users',
      binding: 'users',
      enable: '"Read user information including email addresses"',
    });
    expect(error.message).toMatch(/Enable "Read user information including email addresses" under/);
  });
});
