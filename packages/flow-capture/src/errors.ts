/**
 * A malformed Flow protocol message (a request line that does not parse, an out-of-order
 * request), or a response that cannot be written. Never retryable: the runtime's view of the
 * session is unknown from then on.
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly isRetryable = false;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** A polling interval that `parseInterval` cannot read. `field` is the config field: `interval`. */
export class IntervalError extends Error {
  override name = 'IntervalError';
  readonly field = 'interval';
  readonly isRetryable = false;
}
