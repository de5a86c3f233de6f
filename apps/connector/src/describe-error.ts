import {
  ConfigError,
  ConnectorError,
  NetworkError,
  NotionApiError,
  type NotionCapability,
  redactSecrets,
} from '@source-notion/core';
import { IntervalError, ProtocolError } from '@source-notion/flow-capture';
import { findStream } from './streams.js';

const INTEGRATIONS_URL = 'https://www.notion.so/profile/integrations';

/** The capability the stream called `stream` declares ("Read content" for a name no stream has). */
function capabilityOf(stream: string): NotionCapability {
  return findStream(stream)?.capability ?? 'Read content';
}

/** What the user must do when the `stream` binding cannot read because its capability is missing. */
export function missingCapabilityMessage(stream: string): string {
  return (
    `the Notion integration lacks the "${capabilityOf(stream)}" capability needed by the ${stream} binding: ` +
    `enable it under Capabilities at ${INTEGRATIONS_URL} (or reconnect OAuth with it), or disable the ${stream} binding`
  );
}

export const INVALID_TOKEN_MESSAGE =
  'Notion rejected the token (401 unauthorized): it is invalid or was revoked. ' +
  `Fix: set credentials.token to the integration's current secret from ${INTEGRATIONS_URL}, or reconnect the Notion OAuth credentials`;

export const REQUESTS_BLOCKED_MESSAGE =
  "Notion is blocking this integration's API requests (429 public_api_request_blocked); retrying will not help. " +
  'Fix: ask a workspace owner to check the integration under Settings → Connections, or contact Notion support';

export const NOTHING_SHARED_MESSAGE =
  'the Notion integration can see no pages or databases: share the pages to capture with it ' +
  '(open a page, ••• menu → Connections → add the integration; sub-pages follow), then retry';

/** An error whose message is already the final, user-facing description. */
export class DescribedError extends ConnectorError {}

function findCause<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (current instanceof type) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/**
 * The one line the user sees when the connector fails: what went wrong and what to fix, with
 * every secret redacted. `stream` is the binding that failed, when one did.
 */
export function describeError(error: unknown, stream?: string): string {
  if (error instanceof DescribedError) return redactSecrets(error.message);
  const prefix = stream === undefined ? '' : `${stream}: `;
  const api = findCause(error, NotionApiError);
  if (api !== undefined) {
    if (api.status === 401 || api.code === 'unauthorized') return redactSecrets(INVALID_TOKEN_MESSAGE);
    if (api.rateLimitReason === 'public_api_request_blocked') return redactSecrets(REQUESTS_BLOCKED_MESSAGE);
    if (api.status === 403 || api.code === 'restricted_resource') {
      // A 403 to a content stream may also mean that a page is no longer shared: say both.
      if (stream !== undefined && capabilityOf(stream) !== 'Read content') {
        return redactSecrets(
          `${prefix}Notion refused ${api.operation} (403 restricted_resource): ${missingCapabilityMessage(stream)}`,
        );
      }
      return redactSecrets(
        `${prefix}Notion refused ${api.operation} (403 restricted_resource): the integration lacks the "Read content" ` +
          `capability or lost access; enable it at ${INTEGRATIONS_URL} and share the pages to capture with the integration`,
      );
    }
    return redactSecrets(`${prefix}${api.message}`);
  }
  if (error instanceof ConfigError || error instanceof ProtocolError || error instanceof IntervalError)
    return redactSecrets(error.message);
  const network = findCause(error, NetworkError);
  if (network !== undefined) {
    return redactSecrets(
      `${prefix}could not reach the Notion API (${network.message}); check that this host can reach api.notion.com over HTTPS`,
    );
  }
  if (error instanceof ConnectorError) return redactSecrets(`${prefix}${error.message}`);
  if (error instanceof Error)
    return redactSecrets(`${prefix}${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`);
  return redactSecrets(`${prefix}${String(error)}`);
}

/** The cause chain as log fields (names and messages only, redacted). */
export function errorFields(error: unknown): Record<string, unknown> {
  const chain: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    chain.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const api = findCause(error, NotionApiError);
  return {
    error: chain.map((line) => redactSecrets(line)),
    ...(api === undefined
      ? {}
      : { status: api.status, code: api.code, requestId: api.requestId, operation: api.operation }),
  };
}
