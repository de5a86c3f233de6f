import type { Clock, Logger, RefreshTarget } from '@source-notion/core';
import { refreshTargetFromKey, refreshTargetKey, targetConcernsStream } from '@source-notion/core';
import type { TransactionWriter } from '@source-notion/flow-capture';

/**
 * The member of the connector state that holds the refreshes accepted from webhook events and
 * not yet done by every binding they concern: `{"webhooksV1": {"pending": {"<kind>:<compactId>":
 * <accepted at, epoch ms>}}}`, written as a merge patch like the bindings' state.
 */
export const WEBHOOK_STATE_KEY = 'webhooksV1';
/** Refreshes pending at once, at most: past it, events are refused (503) until some are done. */
export const MAX_PENDING_TARGETS = 20_000;
/**
 * How long a binding gathers events before a targeted sweep (after the first one wakes it, and
 * between two targeted sweeps), so that a burst of events makes one sweep.
 */
export const WEBHOOK_GATHER_MS = 1_000;

interface Entry {
  target: RefreshTarget;
  acceptedAt: number;
  /** The bindings (indexes) that have not refreshed it since it was (last) accepted. */
  waiting: Set<number>;
  /** Resolves once the entry is in a checkpoint written to the runtime. */
  durable: Promise<void>;
}

interface BindingInbox {
  streamName: string;
  /** Keys to refresh, in arrival order (a key queued again while in flight stays queued). */
  queued: Set<string>;
  wake: (() => void) | undefined;
}

export interface WebhookQueueOptions {
  writer: TransactionWriter;
  clock: Clock;
  logger: Logger;
  /** The capture's bindings: index → stream name. */
  bindings: ReadonlyArray<{ index: number; streamName: string }>;
  /** The connector state the session opened with (its `webhooksV1.pending`, if any, is restored). */
  state: unknown;
  /** Called when an accepted target names a data source or database (a fresh listing is due). */
  onDataSourceChange?: ((at: number) => void) | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The refreshes webhook events asked for, durable and coalesced. `accept` writes the new ones
 * into a checkpoint (the connector state's `webhooksV1.pending`) before it resolves, so the
 * listener answers 200 only for work that survives a crash; a restart restores the pending ones.
 * Each binding the target concerns gets it once however many events name it; `done` forgets a
 * target once every binding refreshed it after its last event (a null patch).
 */
export class WebhookQueue {
  readonly #options: WebhookQueueOptions;
  readonly #pending = new Map<string, Entry>();
  readonly #inboxes = new Map<number, BindingInbox>();

  constructor(options: WebhookQueueOptions) {
    this.#options = options;
    for (const { index, streamName } of options.bindings) {
      this.#inboxes.set(index, { streamName, queued: new Set(), wake: undefined });
    }
    this.#restore(options.state);
  }

  /** Targets pending now (accepted, not refreshed by every binding yet). */
  get size(): number {
    return this.#pending.size;
  }

  #restore(state: unknown): void {
    const saved = isRecord(state) ? state[WEBHOOK_STATE_KEY] : undefined;
    const pending = isRecord(saved) && isRecord(saved.pending) ? saved.pending : {};
    const dropped: string[] = [];
    for (const [key, at] of Object.entries(pending)) {
      const target = refreshTargetFromKey(key);
      if (
        target === undefined ||
        typeof at !== 'number' ||
        !this.#route(key, target, at, Promise.resolve())
      ) {
        dropped.push(key);
      }
    }
    if (this.#pending.size > 0) {
      this.#options.logger.info('resuming the refreshes webhook events asked for before the restart', {
        pending: this.#pending.size,
      });
    }
    // Nothing of this capture needs them (a binding removed, a key not understood): forgotten.
    if (dropped.length > 0) {
      // A failed write poisons the writer: the capture's own next commit reports it.
      this.#persist(Object.fromEntries(dropped.map((key) => [key, null]))).catch(() => {});
    }
  }

  /** Queues `target` for each binding it concerns; false when none does. */
  #route(key: string, target: RefreshTarget, acceptedAt: number, durable: Promise<void>): boolean {
    const entry = this.#pending.get(key) ?? { target, acceptedAt, waiting: new Set<number>(), durable };
    for (const [index, inbox] of this.#inboxes) {
      if (!targetConcernsStream(target, inbox.streamName)) continue;
      entry.waiting.add(index);
      inbox.queued.add(key);
      const wake = inbox.wake;
      inbox.wake = undefined;
      wake?.();
    }
    if (entry.waiting.size === 0) return false;
    this.#pending.set(key, entry);
    if (target.kind === 'data_source' || target.kind === 'database')
      this.#options.onDataSourceChange?.(acceptedAt);
    return true;
  }

  #persist(patch: Record<string, number | null>): Promise<void> {
    return this.#options.writer.commit({
      binding: 0,
      docs: [],
      patch: { [WEBHOOK_STATE_KEY]: { pending: patch } },
    });
  }

  /**
   * Accepts the targets of one verified event: resolves once each is in a checkpoint written to
   * the runtime (at once for targets pending already: their checkpoint is awaited). 'full' when
   * MAX_PENDING_TARGETS are pending (nothing accepted), 'ignored' when no binding of the capture
   * captures what the event names.
   */
  async accept(targets: readonly RefreshTarget[]): Promise<'accepted' | 'ignored' | 'full'> {
    const fresh = new Map<string, RefreshTarget>();
    for (const target of targets) {
      const key = refreshTargetKey(target);
      if (!this.#pending.has(key)) fresh.set(key, target);
    }
    if (this.#pending.size + fresh.size > MAX_PENDING_TARGETS) return 'full';
    const at = this.#options.clock.now();
    const streams = [...new Set([...this.#inboxes.values()].map((inbox) => inbox.streamName))];
    const concerned = [...fresh].filter(([, target]) =>
      streams.some((name) => targetConcernsStream(target, name)),
    );
    // Written before any binding may take them, so that `done`'s null patch always comes after.
    const durable =
      concerned.length > 0
        ? this.#persist(Object.fromEntries(concerned.map(([key]) => [key, at])))
        : undefined;
    const waits: Promise<void>[] = durable === undefined ? [] : [durable];
    let routed = false;
    for (const target of targets) {
      const key = refreshTargetKey(target);
      const prior = this.#pending.get(key);
      if (prior !== undefined) waits.push(prior.durable);
      if (this.#route(key, target, at, durable ?? prior?.durable ?? Promise.resolve())) routed = true;
    }
    await Promise.all(waits);
    return routed ? 'accepted' : 'ignored';
  }

  /** The targets queued for binding `index` (taken: `done` reports them refreshed). */
  take(index: number): RefreshTarget[] {
    const inbox = this.#inboxes.get(index);
    if (inbox === undefined || inbox.queued.size === 0) return [];
    const keys = [...inbox.queued];
    inbox.queued.clear();
    return keys
      .map((key) => this.#pending.get(key)?.target)
      .filter((t): t is RefreshTarget => t !== undefined);
  }

  /**
   * Binding `index` refreshed `targets` (its documents and checkpoints written): each target no
   * binding waits for any more is forgotten, in a checkpoint. A target queued again meanwhile (a
   * later event) stays pending for this binding.
   */
  async done(index: number, targets: readonly RefreshTarget[]): Promise<void> {
    const inbox = this.#inboxes.get(index);
    const forgotten: Record<string, null> = {};
    for (const target of targets) {
      const key = refreshTargetKey(target);
      const entry = this.#pending.get(key);
      if (entry === undefined || inbox?.queued.has(key) === true) continue;
      entry.waiting.delete(index);
      if (entry.waiting.size > 0) continue;
      this.#pending.delete(key);
      forgotten[key] = null;
    }
    if (Object.keys(forgotten).length > 0) await this.#persist(forgotten);
  }

  /**
   * What binding `index` does next: the targets queued for it (after WEBHOOK_GATHER_MS, so that a
   * burst of events makes one targeted sweep), as soon as there are some, else nothing once the
   * clock reaches `sweepAt` (its next full sweep is due). Rejects when `signal` aborts.
   */
  async nextWork(index: number, sweepAt: number, signal: AbortSignal): Promise<RefreshTarget[]> {
    const { clock } = this.#options;
    if (this.queued(index) === 0) {
      const waitMs = sweepAt - clock.now();
      if (waitMs <= 0 || !(await this.wait(index, waitMs, signal))) return [];
    }
    await clock.sleep(WEBHOOK_GATHER_MS, signal);
    return this.take(index);
  }

  /** How many targets are queued for binding `index`. */
  queued(index: number): number {
    return this.#inboxes.get(index)?.queued.size ?? 0;
  }

  /**
   * Waits until binding `index` has targets queued or `ms` passed: true when it has targets.
   * Rejects when `signal` aborts.
   */
  async wait(index: number, ms: number, signal: AbortSignal): Promise<boolean> {
    const inbox = this.#inboxes.get(index);
    const { clock } = this.#options;
    if (inbox === undefined) {
      await clock.sleep(ms, signal);
      return false;
    }
    if (inbox.queued.size > 0) return true;
    const local = new AbortController();
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    inbox.wake = () => local.abort(new Error('woken'));
    try {
      await clock.sleep(ms, local.signal);
    } catch (error) {
      signal.throwIfAborted();
      if (!local.signal.aborted) throw error;
    } finally {
      inbox.wake = undefined;
      signal.removeEventListener('abort', onAbort);
    }
    return inbox.queued.size > 0;
  }
}
