import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, Logger, RefreshTarget, WebhooksConfig } from '@source-notion/core';
import { readWebhookEvent, registerSecret, revealSecret, verifyWebhookBody } from '@source-notion/core';

/** Events whose `timestamp` is older than this are refused as replays (Notion retries within it). */
export const WEBHOOK_REPLAY_WINDOW_MS = 24 * 60 * 60_000;
/** Events stamped further ahead of the connector's clock than this are refused too. */
export const WEBHOOK_CLOCK_SKEW_MS = 5 * 60_000;
/** Event ids remembered (within the replay window) to acknowledge a duplicate without doing it twice. */
export const MAX_REMEMBERED_EVENT_IDS = 100_000;
/** Warnings of one kind (401, 400, …) logged per minute at most; the rest are counted. */
const WARNINGS_PER_MINUTE = 5;
/** The paths Notion may be pointed at. */
const PATHS = new Set(['/', '/webhooks']);

export interface WebhookListenerOptions {
  config: WebhooksConfig;
  clock: Clock;
  logger: Logger;
  /** Durably queues the refreshes an event asks for (WebhookQueue.accept). */
  accept(targets: readonly RefreshTarget[]): Promise<'accepted' | 'ignored' | 'full'>;
  /** Default 0.0.0.0 (every interface: Flow's gateway forwards to it); tests use 127.0.0.1. */
  host?: string;
}

export interface WebhookListener {
  /** The port bound (the configured one, or the one the system chose for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

type Reply = { status: number; message: string; headers?: Record<string, string> };

/**
 * Listens for Notion's webhook deliveries: POST `/` or `/webhooks`.
 *
 * - The verification request (an unsigned JSON body `{"verification_token": …}`) is answered 200
 *   and its token logged once, at info, as a connectorStatus line telling the user to paste it
 *   into `webhooks.verification_token` (the one place it is ever logged).
 * - Every other request is an event: 409 while no verification token is configured, 413 past
 *   `max_body_bytes`, 401 without a valid `X-Notion-Signature`, 400 when the body is not an event
 *   Notion documents or its timestamp is outside the replay window, 503 when too much is pending;
 *   else 200 once the refreshes it asks for are durable (WebhookQueue.accept). An event id seen
 *   before is answered 200 and not queued again.
 *
 * Refusals are logged (a few per minute, then counted) without the body, the token or the
 * verification token. Nothing a request sends can fail the capture.
 */
export async function startWebhookListener(options: WebhookListenerOptions): Promise<WebhookListener> {
  const { config, clock, logger } = options;
  const seen = new Map<string, number>();
  const revealed = new Set<string>();
  const warnings = new Map<string, { minute: number; logged: number; suppressed: number }>();

  const warn = (kind: string, msg: string, fields: Record<string, unknown> = {}) => {
    const minute = Math.floor(clock.now() / 60_000);
    let slot = warnings.get(kind);
    if (slot === undefined || slot.minute !== minute) {
      if (slot !== undefined && slot.suppressed > 0) {
        logger.warn(`webhook: ${slot.suppressed} more request(s) refused (${kind}) in the last minute`);
      }
      slot = { minute, logged: 0, suppressed: 0 };
      warnings.set(kind, slot);
    }
    if (slot.logged >= WARNINGS_PER_MINUTE) {
      slot.suppressed++;
      return;
    }
    slot.logged++;
    logger.warn(msg, fields);
  };

  const remember = (id: string, at: number) => {
    seen.set(id, at);
    for (const [old, when] of seen) {
      if (seen.size <= MAX_REMEMBERED_EVENT_IDS && at - when <= WEBHOOK_REPLAY_WINDOW_MS) break;
      seen.delete(old);
    }
  };

  const verification = (token: string): Reply => {
    if (token === config.verification_token) {
      logger.info('webhook: Notion sent the verification token again; it is the one configured');
    } else if (!revealed.has(token) && revealed.size < 10) {
      revealed.add(token);
      logger.info(
        'Notion sent the webhook subscription’s verification token: paste it into the capture’s config as webhooks.verification_token (and into Notion to verify the subscription); until then events are refused',
        { eventType: 'connectorStatus', verification_token: revealSecret(token) },
      );
      // Shown once; redacted from every later line.
      registerSecret(token);
    }
    return { status: 200, message: 'verification token received' };
  };

  const handleEvent = async (body: Buffer, signature: string | undefined): Promise<Reply> => {
    const secret = config.verification_token;
    if (secret === undefined) {
      warn(
        'no token',
        'webhook: an event arrived before webhooks.verification_token is configured; refusing it',
      );
      return { status: 409, message: 'no verification token configured' };
    }
    if (!(await verifyWebhookBody(body, signature, secret))) {
      warn('signature', 'webhook: refusing a request without a valid X-Notion-Signature', {
        signature: signature === undefined ? 'missing' : 'invalid',
      });
      return { status: 401, message: 'invalid signature' };
    }
    const reading = readWebhookEvent(body.toString('utf8'));
    if (reading.outcome === 'malformed') {
      warn(
        'malformed',
        `webhook: dropping a signed request that is not an event the connector reads: ${reading.reason}`,
      );
      return { status: 400, message: 'malformed event' };
    }
    const { event } = reading;
    const fields = { eventId: event.id, type: event.type };
    const now = clock.now();
    const at = Date.parse(event.timestamp);
    if (now - at > WEBHOOK_REPLAY_WINDOW_MS || at - now > WEBHOOK_CLOCK_SKEW_MS) {
      warn('stale', 'webhook: refusing an event whose timestamp is outside the replay window', fields);
      return { status: 400, message: 'event timestamp outside the replay window' };
    }
    if (seen.has(event.id)) {
      logger.debug('webhook: an event delivered again; accepted already', fields);
      return { status: 200, message: 'duplicate' };
    }
    if (reading.outcome === 'ignored') {
      logger.debug(`webhook: ${reading.reason}`, fields);
      remember(event.id, now);
      return { status: 200, message: 'ignored' };
    }
    const outcome = await options.accept(reading.targets);
    if (outcome === 'full') {
      warn('full', 'webhook: too many refreshes pending; asking Notion to deliver later', fields);
      return { status: 503, message: 'busy', headers: { 'retry-after': '60' } };
    }
    remember(event.id, now);
    logger.debug(`webhook: event ${outcome}`, { ...fields, attempt: event.attempt_number });
    return { status: 200, message: outcome };
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!PATHS.has(path)) return { status: 404, message: 'not found' };
    if (req.method !== 'POST')
      return { status: 405, message: 'method not allowed', headers: { allow: 'POST' } };
    const limit = config.max_body_bytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      warn('too large', 'webhook: refusing a request body over webhooks.max_body_bytes', { bytes: declared });
      return { status: 413, message: 'body too large' };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        warn('too large', 'webhook: refusing a request body over webhooks.max_body_bytes', { bytes: size });
        return { status: 413, message: 'body too large' };
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const header = req.headers['x-notion-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) {
      const token = verificationTokenOf(body);
      if (token !== undefined) return verification(token);
    }
    return handleEvent(body, signature);
  };

  const respond = (res: ServerResponse, reply: Reply, close: boolean) => {
    if (res.headersSent) return;
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      ...(close ? { connection: 'close' } : {}),
      ...reply.headers,
    });
    res.end(`${JSON.stringify({ status: reply.message })}\n`);
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (reply) => respond(res, reply, reply.status === 413),
      (error: unknown) => {
        logger.warn('webhook: a request failed', { error });
        respond(res, { status: 500, message: 'internal error' }, true);
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.warn('webhook: the listener failed', { error }));
  const port = (server.address() as AddressInfo).port;
  logger.info(`listening for Notion webhooks on port ${port} (POST / or /webhooks)`, {
    verificationTokenConfigured: config.verification_token !== undefined,
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The token of Notion's verification request: an unsigned body `{"verification_token": "…"}`. */
function verificationTokenOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const token = (parsed as Record<string, unknown>).verification_token;
    return typeof token === 'string' && token.length >= 8 && token.length <= 200 ? token : undefined;
  } catch {
    return undefined;
  }
}
