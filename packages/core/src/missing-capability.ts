import { NotionApiError } from './errors.js';
import type { NotionCapability } from './stream.js';

/** What to enable, in the settings' own words, where that is more specific than the capability's name. */
const SETTINGS: Partial<Record<NotionCapability, string>> = {
  'Read user information': '"Read user information including email addresses" (or "without email addresses")',
};

export interface MissingCapabilityOptions {
  /** The capability the stream needs (its Stream's `capability`). */
  capability: NotionCapability;
  /** What the stream could not do ("list comments"). */
  action: string;
  /** The binding to disable instead ("comments"). */
  binding: string;
  /** What to enable; by default the setting that grants `capability`. */
  enable?: string;
}

/**
 * The error for Notion's 403 `restricted_resource` answer to a token without a capability: the
 * same NotionApiError (status, code, request id and operation kept; not retryable: retrying will
 * not grant it) saying which capability to enable and where, chained to the original.
 */
export function missingCapabilityError(
  error: NotionApiError,
  options: MissingCapabilityOptions,
): NotionApiError {
  return new NotionApiError({
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    operation: error.operation,
    additionalData: error.additionalData,
    isRetryable: false,
    detail:
      `the integration lacks the "${options.capability}" capability, so it cannot ${options.action}. ` +
      `Enable ${options.enable ?? SETTINGS[options.capability] ?? `"${options.capability}"`} under Capabilities at ` +
      `notion.so/profile/integrations, or disable the ${options.binding} binding`,
    cause: error,
  });
}
