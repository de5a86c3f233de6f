import { signWebhookPayload, verifyWebhookSignature } from '@notionhq/client';
import { z } from 'zod';
import { compactId, expandId, isNotionId } from './notion-ids.js';

/*
 * Notion webhook events as change signals: checking a delivery's signature, reading its body, and
 * what it asks the capture to refresh. Events carry ids, never content.
 */

/**
 * True when `signature` (the `X-Notion-Signature` header, `sha256=<hex>`) is the HMAC-SHA256 of
 * the raw `body` keyed by the subscription's verification token (a constant-time comparison).
 * False for a missing or malformed signature.
 */
export function verifyWebhookBody(
  body: string | Uint8Array,
  signature: string | null | undefined,
  verificationToken: string,
): Promise<boolean> {
  return verifyWebhookSignature({ body, signature, verificationToken });
}

/** The `X-Notion-Signature` value Notion sends with `body` (tests, emulators). */
export function signWebhookBody(body: string | Uint8Array, verificationToken: string): Promise<string> {
  return signWebhookPayload({ body, verificationToken });
}

/** The event types the connector acts on, by what they name. */
export const PAGE_EVENT_TYPES = [
  'page.created',
  'page.content_updated',
  'page.properties_updated',
  'page.moved',
  'page.deleted',
  'page.undeleted',
  'page.locked',
  'page.unlocked',
] as const;
export const COMMENT_EVENT_TYPES = ['comment.created', 'comment.updated', 'comment.deleted'] as const;
export const DATA_SOURCE_EVENT_TYPES = [
  'data_source.created',
  'data_source.content_updated',
  'data_source.schema_updated',
  'data_source.deleted',
  'data_source.moved',
  'data_source.undeleted',
] as const;
export const DATABASE_EVENT_TYPES = [
  'database.created',
  'database.content_updated',
  'database.schema_updated',
  'database.deleted',
  'database.moved',
  'database.undeleted',
] as const;
/** Types Notion sends that change nothing the capture emits: acknowledged and ignored. */
const IGNORED_EVENT_PREFIXES = ['file_upload.', 'view.', 'page.transcription_block.'];

const idSchema = z.string().min(1).max(100);

/** The part of an event body the connector reads (Notion's documented shape; other fields kept). */
export const webhookEventSchema = z.looseObject({
  id: idSchema,
  timestamp: z.string().min(1).max(64),
  type: z.string().min(1).max(100),
  attempt_number: z.number().int().nonnegative().optional(),
  entity: z.looseObject({ id: idSchema, type: z.string().min(1).max(50) }),
  data: z
    .looseObject({
      page_id: idSchema.optional(),
      parent: z.looseObject({ id: idSchema, type: z.string().max(50) }).optional(),
    })
    .optional(),
});
export type WebhookEvent = z.output<typeof webhookEventSchema>;

/**
 * What an event asks the capture to refresh:
 * - `page`: the page and everything captured under it (blocks, comments, markdown; every page
 *   stream), checked with one GET first (404 or trashed: its deletions);
 * - `comments`: the comments of page `id` (a comment was added, edited, resolved or deleted: the
 *   page's `last_edited_time` does not move);
 * - `data_source` / `database`: the data sources and databases streams list again (not for
 *   `*.content_updated`: rows changed, and each row's page events name it).
 */
export interface RefreshTarget {
  kind: 'page' | 'comments' | 'data_source' | 'database';
  /** The page, data source or database id (dashed or compact, as the event had it). */
  id: string;
}

/** One key per target: coalesces repeated events for the same object. */
export function refreshTargetKey(target: RefreshTarget): string {
  return `${target.kind}:${compactId(target.id)}`;
}

/** The target a key names (see refreshTargetKey); undefined when it is not one. */
export function refreshTargetFromKey(key: string): RefreshTarget | undefined {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const id = key.slice(at + 1);
  if (at < 0 || !/^[A-Za-z0-9_-]{22}$/.test(id)) return undefined;
  if (kind !== 'page' && kind !== 'comments' && kind !== 'data_source' && kind !== 'database')
    return undefined;
  return { kind, id: expandId(id) };
}

export type WebhookEventReading =
  | { outcome: 'targets'; event: WebhookEvent; targets: RefreshTarget[] }
  | { outcome: 'ignored'; event: WebhookEvent; reason: string }
  | { outcome: 'malformed'; reason: string };

const includes = (list: readonly string[], type: string) => list.includes(type);

/**
 * Reads a verified event body: the targets it names, `ignored` for a known type that changes
 * nothing captured, `malformed` for a body that is not an event or a type the connector does not
 * know (its reason names no value from the body beyond the type).
 */
export function readWebhookEvent(body: string): WebhookEventReading {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { outcome: 'malformed', reason: 'the body is not JSON' };
  }
  const parsed = webhookEventSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))];
    return { outcome: 'malformed', reason: `not a Notion event (${fields.slice(0, 5).join(', ')})` };
  }
  const event = parsed.data;
  if (Number.isNaN(Date.parse(event.timestamp))) {
    return { outcome: 'malformed', reason: 'the event timestamp is not a date' };
  }
  const { type, entity } = event;
  const entityTarget = (kind: RefreshTarget['kind']): WebhookEventReading =>
    isNotionId(entity.id)
      ? { outcome: 'targets', event, targets: [{ kind, id: entity.id }] }
      : { outcome: 'malformed', reason: `${type}: the entity id is not a Notion id` };
  if (type === 'data_source.content_updated' || type === 'database.content_updated') {
    // Rows added, changed or removed: each row's own page.* event names it.
    return { outcome: 'ignored', event, reason: `${type}: its rows arrive as page events` };
  }
  if (includes(PAGE_EVENT_TYPES, type)) return entityTarget('page');
  if (includes(DATA_SOURCE_EVENT_TYPES, type)) return entityTarget('data_source');
  if (includes(DATABASE_EVENT_TYPES, type)) return entityTarget('database');
  if (includes(COMMENT_EVENT_TYPES, type)) {
    const parent = event.data?.parent;
    const pageId = event.data?.page_id ?? (parent?.type === 'page' ? parent.id : undefined);
    if (pageId === undefined || !isNotionId(pageId)) {
      return { outcome: 'malformed', reason: `${type}: the event names no page (data.page_id)` };
    }
    return { outcome: 'targets', event, targets: [{ kind: 'comments', id: pageId }] };
  }
  if (IGNORED_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
    return { outcome: 'ignored', event, reason: `${type} changes nothing the capture emits` };
  }
  return { outcome: 'malformed', reason: `unknown event type ${JSON.stringify(type.slice(0, 60))}` };
}

/**
 * The streams (by name) a target concerns. Page targets reach every page stream: every stream
 * that is not one of the three listed ones runs on the page engine (pages, blocks, comments, and
 * any page stream added later).
 */
export function targetConcernsStream(target: RefreshTarget, streamName: string): boolean {
  switch (target.kind) {
    case 'page':
      return streamName !== 'users' && streamName !== 'databases' && streamName !== 'data_sources';
    case 'comments':
      return streamName === 'comments';
    case 'data_source':
    case 'database':
      return streamName === 'data_sources' || streamName === 'databases';
  }
}
