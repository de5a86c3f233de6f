import type { CaptureHub, Clock, EndpointConfig, Logger } from '@source-notion/core';
import type { TransactionWriter } from '@source-notion/flow-capture';
import { DescribedError } from './describe-error.js';
import { startWebhookListener, type WebhookListener } from './webhook-listener.js';
import { WebhookQueue } from './webhook-queue.js';

/** A capture's webhook side: the queue of refreshes events asked for, and the listener when on. */
export interface Webhooks {
  queue: WebhookQueue;
  listener: WebhookListener | undefined;
}

export interface OpenWebhooksOptions {
  config: EndpointConfig;
  /** The connector state the session opened with. */
  state: unknown;
  bindings: ReadonlyArray<{ index: number; streamName: string }>;
  writer: TransactionWriter;
  clock: Clock;
  logger: Logger;
  hub: CaptureHub;
  /** Where to bind instead of 0.0.0.0:`webhooks.port` (tests). */
  listen?: { host: string; port?: number } | undefined;
}

/**
 * Opens the webhook side of a capture (after `opened`: it writes checkpoints). The queue exists
 * whenever webhooks are on or the state holds refreshes accepted before a restart (they are done
 * even if webhooks were turned off since); the listener only when `webhooks.enabled`. Undefined
 * when neither.
 */
export async function openWebhooks(options: OpenWebhooksOptions): Promise<Webhooks | undefined> {
  const { config, clock, logger, hub } = options;
  const enabled = config.webhooks?.enabled === true;
  const queue = new WebhookQueue({
    writer: options.writer,
    clock,
    logger,
    bindings: options.bindings,
    state: options.state,
    // A data source or database changed: the next listing must not replay one made before.
    onDataSourceChange: (at) => hub.dataSourceListings.notBefore?.(at),
  });
  if (!enabled) return queue.size > 0 ? { queue, listener: undefined } : undefined;
  const port = options.listen?.port ?? config.webhooks!.port;
  try {
    const listener = await startWebhookListener({
      config: { ...config.webhooks!, port },
      clock,
      logger,
      accept: (targets) => queue.accept(targets),
      host: options.listen?.host,
    });
    return { queue, listener };
  } catch (error) {
    throw new DescribedError(
      `cannot listen for webhooks on port ${port}: ${(error as Error).message} (set webhooks.port to a free port, or turn webhooks off)`,
      { cause: error },
    );
  }
}
