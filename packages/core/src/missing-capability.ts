import { NotionApiError } from './errors.js';

export interface MissingCapabilityOptions {
  /** The capability as Notion's integration settings name it ("Read comments"). */
  capability: string;
  /** What the stream could not do ("list comments"). */
  action: string;
  /** The binding to disable instead ("comments"). */
  binding: string;
  /** What to enable, when more specific than the capability's name. */
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
      `Enable ${options.enable ?? `"${options.capability}"`} under Capabilities at ` +
      `notion.so/profile/integrations, or disable the ${options.binding} binding`,
    cause: error,
  });
}
