import { z } from 'zod';

/*
 * The `webhooks` member of the endpoint config (see config.ts): Notion webhook events as change
 * signals. Its own module so that config.ts stays about credentials and the Notion API.
 */

/** The port the webhook listener binds when `webhooks.port` is not set (the image exposes it). */
export const DEFAULT_WEBHOOK_PORT = 8080;
/** Webhook request bodies larger than this are refused (413) when `webhooks.max_body_bytes` is not set. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 65_536;

export interface WebhooksConfig {
  enabled: boolean;
  port: number;
  /** A secret like the token: registered with the logger, never logged. */
  verification_token?: string | undefined;
  max_body_bytes: number;
}

export const webhooksSchema = z
  .object({
    enabled: z.boolean().default(false).meta({
      title: 'Receive Notion webhooks',
      description:
        "Listen for the webhook events of a Notion subscription and refresh what each names within seconds; polling stays as the safety net, with weekly comment refreshes and deletion scans. Point the subscription at the capture's public URL.",
      order: 0,
    }),
    port: z.number().int().min(1).max(65_535).default(DEFAULT_WEBHOOK_PORT).meta({
      title: 'Port',
      description:
        'The port the listener binds (8080, the port the image exposes, unless you run it yourself).',
      order: 1,
    }),
    verification_token: z.string().min(1).optional().meta({
      title: 'Verification token',
      description:
        "The subscription's verification token: the capture logs it when Notion sends it (a connectorStatus line); paste it here so that every event's signature can be checked. Until it is set, events are refused.",
      secret: true,
      order: 2,
    }),
    max_body_bytes: z.number().int().min(1_024).max(10_485_760).default(DEFAULT_WEBHOOK_MAX_BODY_BYTES).meta({
      title: 'Largest request body (bytes)',
      description: 'Requests with a larger body are refused (413).',
      order: 3,
    }),
  })
  .meta({
    title: 'Webhooks',
    description: 'Near-real-time capture: Notion webhook events as change signals.',
    advanced: true,
  });

/** What to do about each field of `webhooks` that does not parse (ConfigError messages). */
export const WEBHOOKS_FIELD_HINTS: Record<string, string> = {
  webhooks: 'make it an object, or leave it out',
  'webhooks.enabled': 'use true or false',
  'webhooks.port': 'use a whole number from 1 to 65535 (8080 in the image)',
  'webhooks.verification_token':
    'paste the verification token the capture logged when Notion verified the subscription, or leave it out',
  'webhooks.max_body_bytes': 'use a whole number of bytes from 1024 to 10485760',
};
