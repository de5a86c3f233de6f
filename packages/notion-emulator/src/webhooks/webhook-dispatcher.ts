import { signWebhookPayload } from '@notionhq/client';
import type { EmulatedClock } from '../clock.js';
import { createRandom, hashInts, type Random } from '../random.js';
import { isoTime } from '../time.js';
import type { Workspace } from '../workspace/workspace.js';
import { planWebhookEvents, type WebhookEventDraft, type WebhookScope } from './webhook-events.js';
import {
  AGGREGATED_EVENT_TYPES,
  type ResolvedWebhookOptions,
  type WebhookEventType,
} from './webhook-options.js';

/** How one event's delivery stands (Emulator.webhookDeliveries). Times are emulated epoch ms. */
export interface WebhookDelivery {
  eventId: string;
  type: WebhookEventType;
  entityId: string;
  entityType: string;
  /** `pending` until a POST is answered 2xx (`delivered`) or every attempt failed (`failed`). */
  status: 'pending' | 'delivered' | 'failed';
  /** POSTs made for it (retries included, duplicates not). */
  attempts: number;
  /** Extra deliveries of the delivered event (same id, same body). */
  duplicates: number;
  /** Changes merged into it (1 unless aggregated). */
  changes: number;
  /** When its first change was made. */
  occurredAt: number;
  /** When a POST of it was first answered 2xx; null until then. */
  deliveredAt: number | null;
  /** The HTTP status of the last attempt; null when it got no answer (refused, timed out). */
  lastStatus: number | null;
}

/** The verification request's outcome. */
export interface WebhookVerification {
  /** HTTP status of the answer; null when there was none. */
  status: number | null;
  verificationToken: string;
}

interface QueuedEvent extends WebhookDelivery {
  draft: WebhookEventDraft;
  /** Held back once already (reordering). */
  held: boolean;
}

/** A POST waiting in the queue: an attempt of an event, or a duplicate of a delivered one. */
interface Due {
  event: QueuedEvent;
  /** Emulated ms when it is due. */
  at: number;
  seq: number;
  /** A duplicate resends this body. */
  duplicateOf?: string;
}

/**
 * Delivers a subscription's events: hears the workspace's mutations, queues the events Notion would
 * send (aggregated, delayed), and POSTs them signed (`X-Notion-Signature`) on the emulated clock,
 * one at a time in the order they come due, retrying non-2xx answers with backoff
 * (`attempt_number` counts), with optional duplicates and reordering. `close()` stops it.
 */
export class WebhookDispatcher {
  private options: ResolvedWebhookOptions;
  private readonly ws: Workspace;
  private readonly clock: EmulatedClock;
  private readonly scope: WebhookScope;
  private readonly onError: (error: unknown) => void;
  private random: Random;
  private readonly events: QueuedEvent[] = [];
  /** Aggregatable events not yet sent, by `type entity`. */
  private readonly open = new Map<string, QueuedEvent>();
  /** POSTs to make, by (at, seq). */
  private queue: Due[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private verifying = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly stopListening: () => void;
  private readonly envelope: { workspace_id: string; subscription_id: string; integration_id: string };

  constructor(args: {
    options: ResolvedWebhookOptions;
    workspace: Workspace;
    clock: EmulatedClock;
    scope: WebhookScope;
    onError: (error: unknown) => void;
  }) {
    this.options = args.options;
    this.ws = args.workspace;
    this.clock = args.clock;
    this.scope = args.scope;
    this.onError = args.onError;
    this.random = createRandom(hashInts(this.options.seed, 0x3eb));
    this.envelope = {
      workspace_id: this.ws.data.workspaceId,
      subscription_id: this.uuid(),
      integration_id: this.uuid(),
    };
    this.stopListening = this.ws.onMutation((mutation) => {
      if (this.closed) return undefined;
      const planned = planWebhookEvents(this.ws, mutation, this.scope);
      return (result) => {
        for (const draft of planned(result)) if (this.options.events.has(draft.type)) this.enqueue(draft);
      };
    });
  }

  get url(): string {
    return this.options.url;
  }

  get verificationToken(): string {
    return this.options.verificationToken;
  }

  /** Points the subscription elsewhere (events queued from now on use the new options). */
  reconfigure(options: ResolvedWebhookOptions): void {
    this.options = options;
    this.random = createRandom(hashInts(options.seed, 0x3eb));
  }

  /** POSTs the verification request `{"verification_token": …}` (unsigned), as a new subscription does. */
  async verify(): Promise<WebhookVerification> {
    const body = JSON.stringify({ verification_token: this.options.verificationToken });
    this.verifying++;
    try {
      const status = await this.post(body, undefined);
      return { status, verificationToken: this.options.verificationToken };
    } finally {
      this.verifying--;
      this.settle();
    }
  }

  deliveries(): WebhookDelivery[] {
    return this.events.map(({ draft: _draft, held: _held, ...delivery }) => delivery);
  }

  /** Resolves once no event is waiting, being sent or due for a retry or a duplicate. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.stopListening();
    clearTimeout(this.timer);
    this.queue = [];
    for (const event of this.events) if (event.status === 'pending') event.status = 'failed';
    this.open.clear();
    this.settle();
  }

  private isIdle(): boolean {
    return this.closed || (this.queue.length === 0 && !this.sending && this.verifying === 0);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private uuid(): string {
    const hex = Array.from({ length: 4 }, () =>
      Math.floor(this.random.next() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  private enqueue(draft: WebhookEventDraft): void {
    const key = `${draft.type} ${draft.entity.id}`;
    const aggregated = AGGREGATED_EVENT_TYPES.has(draft.type) && this.options.aggregateMs > 0;
    const into = aggregated ? this.open.get(key) : undefined;
    if (into && into.attempts === 0 && draft.at - into.occurredAt <= this.options.aggregateMs) {
      merge(into.draft, draft);
      into.changes++;
      return;
    }
    const delay = aggregated
      ? Math.max(this.options.delayMs, this.options.aggregateMs)
      : this.options.delayMs;
    const event: QueuedEvent = {
      eventId: this.uuid(),
      type: draft.type,
      entityId: draft.entity.id,
      entityType: draft.entity.type,
      status: 'pending',
      attempts: 0,
      duplicates: 0,
      changes: 1,
      occurredAt: draft.at,
      deliveredAt: null,
      lastStatus: null,
      draft,
      held: false,
    };
    this.events.push(event);
    if (aggregated) this.open.set(key, event);
    this.push({ event, at: draft.at + delay, seq: this.seq++ });
  }

  /** Queues a POST in (at, seq) order and makes sure the pump wakes for it. */
  private push(due: Due): void {
    let i = this.queue.length;
    while (i > 0 && precedes(due, this.queue[i - 1] as Due)) i--;
    this.queue.splice(i, 0, due);
    this.pump();
  }

  /** Sends the first due POST (one at a time); else sleeps until the first one comes due. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.sending) return;
    const head = this.queue[0];
    if (!head) {
      this.settle();
      return;
    }
    const wait = head.at - this.clock.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, this.clock.toRealMs(wait)));
      this.timer.unref();
      return;
    }
    this.queue.shift();
    const { event } = head;
    if (this.open.get(`${event.type} ${event.entityId}`) === event)
      this.open.delete(`${event.type} ${event.entityId}`);
    const next = this.queue.find((d) => !d.event.held && d.duplicateOf === undefined);
    if (
      head.duplicateOf === undefined &&
      event.attempts === 0 &&
      !event.held &&
      next &&
      this.options.reorderRate > 0 &&
      this.random.chance(this.options.reorderRate)
    ) {
      // Held back: sent just after the next event queued, so the two arrive out of order.
      event.held = true;
      this.push({ event, at: next.at, seq: next.seq + 0.5 });
      return;
    }
    this.sending = true;
    const sent =
      head.duplicateOf === undefined ? this.attempt(event) : this.duplicate(event, head.duplicateOf);
    sent
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.sending = false;
        this.pump();
      });
  }

  private body(event: QueuedEvent): string {
    const { draft } = event;
    return JSON.stringify({
      id: event.eventId,
      timestamp: isoTime(draft.at),
      workspace_id: this.envelope.workspace_id,
      workspace_name: 'Emulated workspace',
      subscription_id: this.envelope.subscription_id,
      integration_id: this.envelope.integration_id,
      type: draft.type,
      authors: draft.authors,
      attempt_number: event.attempts,
      api_version: '2025-09-03',
      entity: draft.entity,
      data: draft.data,
    });
  }

  private async attempt(event: QueuedEvent): Promise<void> {
    event.attempts++;
    const body = this.body(event);
    const status = await this.post(body, await this.sign(body));
    event.lastStatus = status;
    if (this.closed) return;
    if (status !== null && status >= 200 && status < 300) {
      event.status = 'delivered';
      event.deliveredAt = this.clock.now();
      if (this.options.duplicateRate > 0 && this.random.chance(this.options.duplicateRate))
        this.push({
          event,
          at: this.clock.now() + Math.max(1, this.options.delayMs / 2),
          seq: this.seq++,
          duplicateOf: body,
        });
    } else if (event.attempts >= this.options.maxAttempts) {
      event.status = 'failed';
    } else {
      const backoff = this.options.retryBaseMs * 2 ** (event.attempts - 1);
      this.push({ event, at: this.clock.now() + backoff, seq: this.seq++ });
    }
  }

  private async duplicate(event: QueuedEvent, body: string): Promise<void> {
    event.duplicates++;
    await this.post(body, await this.sign(body));
  }

  private sign(body: string): Promise<string> {
    return signWebhookPayload({ body, verificationToken: this.options.verificationToken });
  }

  /** POSTs a body; the answer's status, or null when there was none (refused, reset, timed out). */
  private async post(body: string, signature: string | undefined): Promise<number | null> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'notion-api',
          ...(signature ? { 'x-notion-signature': signature } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }
}

function precedes(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Folds a later change into an aggregated event: blocks, properties and authors, each once. */
function merge(into: WebhookEventDraft, later: WebhookEventDraft): void {
  const byId = <T extends { id: string }>(a: T[] = [], b: T[] = []) => [
    ...a,
    ...b.filter((x) => !a.some((y) => y.id === x.id)),
  ];
  into.authors = byId(into.authors, later.authors);
  if (later.data.updated_blocks)
    into.data.updated_blocks = byId(into.data.updated_blocks, later.data.updated_blocks);
  if (later.data.updated_properties)
    into.data.updated_properties = [
      ...new Set([...(into.data.updated_properties ?? []), ...later.data.updated_properties]),
    ];
}
