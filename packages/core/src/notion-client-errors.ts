import { APIResponseError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { ConnectorError, isNotionErrorCode, NetworkError, NotionApiError } from './errors.js';

// Error mapping of the Notion client: what the SDK and undici throw, as the connector's errors.

const REQUEST_BLOCKED = 'public_api_request_blocked';

/** Converts anything a call can throw into a connector error (never losing the cause). */
export function toConnectorError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof APIResponseError) {
    const additionalData =
      typeof error.additional_data === 'object' && error.additional_data !== null
        ? (error.additional_data as Record<string, unknown>)
        : undefined;
    const blocked = additionalData?.rate_limit_reason === REQUEST_BLOCKED;
    return new NotionApiError({
      status: error.status,
      code: isNotionErrorCode(error.code) ? error.code : undefined,
      requestId: error.request_id ?? undefined,
      operation,
      additionalData,
      detail: blocked
        ? `Notion blocked this integration's requests (${REQUEST_BLOCKED}); retrying will not help: ${error.message}`
        : error.message,
      isRetryable: blocked ? false : undefined,
      cause: error,
    });
  }
  if (error instanceof UnknownHTTPResponseError) {
    const contentType = headerOf(error.headers, 'content-type');
    return new NotionApiError({
      status: error.status,
      requestId: headerOf(error.headers, 'x-notion-request-id') ?? error.request_id ?? undefined,
      operation,
      detail: `not a Notion error body${contentType ? ` (${contentType})` : ''}: ${excerpt(error.body)}`,
      cause: error,
    });
  }
  if (error instanceof RequestTimeoutError) {
    return new NetworkError(`${operation}: request timed out`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new NetworkError(`${operation}: response body is not valid JSON (truncated?)`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(`${operation}: ${message}`, { cause: error });
}

/** A header of an SDK error's response (a Fetch-style `Headers`), if it has one. */
export function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers === 'object' && headers !== null && typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  return undefined;
}

/** An undici failure on one line, with the codes of its causes (`connect ECONNREFUSED … [ECONNREFUSED]`). */
export function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/** A short, single-line, tag-free excerpt of a (possibly HTML) body. */
function excerpt(body: string): string {
  const text = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}
