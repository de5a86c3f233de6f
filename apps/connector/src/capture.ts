import type {
  JsonSchema,
  NotionClient,
  RefreshTarget,
  StreamContext,
  StreamDocument,
} from '@source-notion/core';
import {
  cloneObjects,
  createCaptureHub,
  isDeletionDocument,
  mergePatchInPlace,
  parseEndpointConfig,
  reloadStreamState,
} from '@source-notion/core';
import type { OpenRequest, TransactionWriter } from '@source-notion/flow-capture';
import { bindingStatePatch, openedResponse } from '@source-notion/flow-capture';
import { type BindingPlan, planBindings } from './binding-plan.js';
import { CheckpointAcks, countCheckpoints } from './checkpoint-acks.js';
import { DescribedError, describeError, errorFields } from './describe-error.js';
import type { Runtime } from './notion-session.js';
import { openNotionClient } from './notion-session.js';
import { createStatusReporter, formatDuration } from './status-reporter.js';
import type { AnyStream } from './streams.js';
import { openWebhooks, type Webhooks } from './webhooks.js';

/** Sessions end themselves at a checkpoint boundary after about a day; the runtime restarts them. */
export const MAX_SESSION_MS = 24 * 60 * 60_000;
/** How long a stop waits for each stream's next checkpoint before abandoning uncommitted work. */
export const STOP_GRACE_MS = 60_000;
/** More documents than this between two checkpoints is a stream bug (memory grows with them). */
export const BUFFER_WARNING_DOCS = 50_000;

export interface CaptureOptions {
  request: OpenRequest;
  writer: TransactionWriter;
  runtime: Runtime;
  /** Aborts on stdin EOF or SIGTERM (its reason says which): stop at the next checkpoint, exit 0. */
  stop: AbortSignal;
  /** Clock time after which the session ends itself. Default MAX_SESSION_MS. */
  maxSessionMs?: number;
  /** Clock time a stop waits for checkpoints. Default STOP_GRACE_MS. */
  stopGraceMs?: number;
  /** Real time between two progress events of one stream. Default the environment's (SOURCE_NOTION_STATUS_INTERVAL_MS, else 10 s). */
  statusIntervalMs?: number;
  /** A client to use instead of opening one (tests). */
  notion?: NotionClient;
  /** The streams bindings may name. Default: all six. */
  streams?: readonly AnyStream[];
  /** Where the webhook listener binds instead of 0.0.0.0:`webhooks.port` (tests: 127.0.0.1, port 0). */
  webhookListen?: { host: string; port?: number };
  /** Called with the port the webhook listener bound (tests, preview). */
  onWebhookListening?: (port: number) => void;
  /**
   * The `acknowledge` requests read from stdin. With `webhooks.enabled` the session asks for
   * explicit acknowledgements and answers an event 200 only once its checkpoint is acknowledged.
   * Default: none ever arrive (tests that turn webhooks on pass theirs and acknowledge).
   */
  acks?: CheckpointAcks;
}

export interface CaptureResult {
  /** Why the session ended: "stdin closed", "SIGTERM", "daily restart". */
  reason: string;
  /** Transactions committed (documents + checkpoint). */
  transactions: number;
  /** Sweeps completed, all bindings together. */
  sweeps: number;
}

interface SweepOutcome {
  state: unknown;
  completed: boolean;
  documents: number;
  deletions: number;
}

function isEmptyPatch(patch: unknown): boolean {
  return (
    patch === undefined ||
    (typeof patch === 'object' && patch !== null && !Array.isArray(patch) && Object.keys(patch).length === 0)
  );
}

/**
 * Runs an `open` session: writes `opened`, then sweeps every binding concurrently through one
 * Notion client (one rate limiter), each sweep followed by the next after the binding's interval.
 * A binding's documents are held until its stream yields a checkpoint, then written together with
 * it as one transaction. Resolves after a clean stop (stdin EOF, SIGTERM, the daily restart), at
 * a checkpoint boundary with every transaction in flight finished; rejects when a stream fails,
 * with a message that says what to fix.
 */
export async function runCapture(options: CaptureOptions): Promise<CaptureResult> {
  const { request, runtime } = options;
  const { clock, logger } = runtime;
  const config = parseEndpointConfig(request.capture.config, { now: new Date(clock.now()) });
  // With webhooks, an event is answered 200 once the runtime committed (acknowledged) the
  // checkpoint holding its refreshes: written to stdout is not yet durable.
  const writer = countCheckpoints(
    options.writer,
    config.webhooks?.enabled === true ? (options.acks ?? new CheckpointAcks()) : undefined,
  );
  const plans = planBindings(request, config, runtime, options.streams);
  const notion = options.notion ?? openNotionClient(config, runtime);
  const status = createStatusReporter({
    logger,
    stats: () => notion.limiter.stats(),
    intervalMs: options.statusIntervalMs ?? runtime.environment.statusIntervalMs,
  });

  const stopping = new AbortController(); // stop at the next checkpoint boundary
  const abandon = new AbortController(); // abort requests in flight, drop uncommitted documents
  const timers = new AbortController();
  // One hub per capture (one token): the page streams share their page listings through it, the
  // databases and data_sources streams and page discovery their data source listing, and the
  // child pages that the blocks stream meets reach the pages and comments streams.
  const hub = createCaptureHub({ clock, signal: timers.signal });
  let stopReason = 'stdin closed';
  let failure: { error: unknown; stream: string } | undefined;
  let transactions = 0;
  let sweeps = 0;

  const requestStop = (reason: string) => {
    if (stopping.signal.aborted) return;
    stopReason = reason;
    stopping.abort(new Error(reason));
    logger.info(`stopping the capture (${reason}) at the next checkpoint`);
    clock.sleep(options.stopGraceMs ?? STOP_GRACE_MS, timers.signal).then(
      () => {
        logger.warn('streams did not reach a checkpoint in time; abandoning their uncommitted documents');
        abandon.abort(new Error(reason));
      },
      () => {},
    );
  };
  const onStop = () =>
    requestStop(String((options.stop.reason as Error | undefined)?.message ?? 'stdin closed'));
  if (options.stop.aborted) onStop();
  else options.stop.addEventListener('abort', onStop, { once: true });
  clock.sleep(options.maxSessionMs ?? MAX_SESSION_MS, timers.signal).then(
    () => requestStop('daily restart'),
    () => {},
  );

  /**
   * Commits `docs` with the stream's checkpoint. Flow only knows the state through these patches,
   * so while it holds no valid state for the binding, the first checkpoint carries the whole
   * state (after clearing an invalid one) rather than the stream's patch of its initial state.
   */
  const commit = async (
    plan: BindingPlan,
    docs: StreamDocument[],
    patch: unknown,
    fullState: unknown,
    schema?: JsonSchema,
  ) => {
    if (plan.persisted !== 'valid') {
      if (plan.persisted === 'invalid') {
        await writer.commit({ binding: plan.index, docs: [], patch: bindingStatePatch(plan.stateKey, null) });
      }
      plan.persisted = 'valid';
      await writer.commit({
        binding: plan.index,
        docs,
        schema,
        // A snapshot: the sweep goes on merging later checkpoints into its state in place.
        patch: bindingStatePatch(plan.stateKey, cloneObjects(fullState ?? {})),
      });
      transactions += 1;
      return;
    }
    if (docs.length === 0 && isEmptyPatch(patch) && schema === undefined) return;
    await writer.commit({
      binding: plan.index,
      docs,
      schema,
      patch: bindingStatePatch(plan.stateKey, patch ?? {}),
    });
    transactions += 1;
  };

  const runSweep = async (
    plan: BindingPlan,
    start: unknown,
    targets?: RefreshTarget[],
  ): Promise<SweepOutcome> => {
    // Merged in place with every checkpoint (a copy: the stream reads `start` itself), so a
    // checkpoint costs its own size rather than the whole state's. The copy shares the strings.
    let state: unknown = cloneObjects(start);
    let buffer: StreamDocument[] = [];
    // The widened schema the stream declared (`{schema}`): sent as a sourcedSchema with its next
    // checkpoint, before that transaction's documents.
    let schema: JsonSchema | undefined;
    let documents = 0;
    let deletions = 0;
    let warned = false;
    const ctx: StreamContext = {
      notion,
      logger: plan.logger,
      config,
      signal: abandon.signal,
      clock,
      hub,
      progress: (progress) => status.progress(plan.stream.name, progress, documents + buffer.length),
      notice: (message) => status.notice(plan.stream.name, message),
      targets,
    };
    try {
      for await (const event of plan.stream.read(ctx, start)) {
        if ('doc' in event) {
          buffer.push(event.doc);
          if (isDeletionDocument(event.doc)) deletions += 1;
          if (!warned && buffer.length > BUFFER_WARNING_DOCS) {
            warned = true;
            plan.logger.warn(
              `the ${plan.stream.name} stream has yielded over ${BUFFER_WARNING_DOCS} documents without a checkpoint; they are held in memory until it does (a stream bug)`,
            );
          }
          continue;
        }
        if ('schema' in event) {
          schema = event.schema;
          continue;
        }
        state = mergePatchInPlace(state, event.checkpoint);
        const docs = buffer;
        buffer = [];
        const declared = schema;
        schema = undefined;
        await commit(plan, docs, event.checkpoint, state, declared);
        documents += docs.length;
        if (stopping.signal.aborted) return { state, completed: false, documents, deletions };
      }
    } catch (error) {
      // Abandoned: whatever was not checkpointed is dropped unwritten; the next session redoes it.
      if (abandon.signal.aborted) return { state, completed: false, documents, deletions };
      throw error;
    }
    if (buffer.length > 0 || schema !== undefined) {
      plan.logger.warn(
        `the ${plan.stream.name} stream ended its sweep with ${buffer.length} documents after its last checkpoint; committing them with an empty checkpoint`,
      );
      const docs = buffer;
      buffer = [];
      await commit(plan, docs, {}, state, schema);
      documents += docs.length;
    }
    return {
      // What the next session would get back from Flow: JSON, parsed by the stream's schema.
      state: reloadStreamState(plan.stream, state, config, plan.logger),
      completed: true,
      documents,
      deletions,
    };
  };

  let webhooks: Webhooks | undefined;

  const runBinding = async (plan: BindingPlan): Promise<void> => {
    let state = plan.state;
    let sweep = 0;
    let nextSweepAt = clock.now();
    try {
      while (!stopping.signal.aborted) {
        let targets: RefreshTarget[] = [];
        try {
          if (webhooks !== undefined)
            targets = await webhooks.queue.nextWork(plan.index, nextSweepAt, stopping.signal);
          else if (nextSweepAt > clock.now()) await clock.sleep(nextSweepAt - clock.now(), stopping.signal);
        } catch {
          return;
        }
        if (targets.length > 0) {
          // What webhook events named (WebhookQueue): a targeted sweep, then those targets forgotten.
          const outcome = await runSweep(plan, state, targets);
          state = outcome.state;
          if (!outcome.completed) return;
          await webhooks?.queue.done(plan.index, targets);
          plan.logger.info(`refreshed what ${targets.length} webhook target(s) named`, {
            documents: outcome.documents,
            deletions: outcome.deletions,
          });
          continue;
        }
        sweep += 1;
        const startedAt = clock.now();
        plan.logger.debug(`starting sweep ${sweep} of ${plan.stream.name}`);
        const outcome = await runSweep(plan, state);
        state = outcome.state;
        if (!outcome.completed) return;
        sweeps += 1;
        status.sweepCompleted(plan.stream.name, plan.index, {
          sweep,
          documents: outcome.documents,
          deletions: outcome.deletions,
          durationMs: clock.now() - startedAt,
          nextInMs: plan.intervalMs,
        });
        if (plan.restartEachSweep) {
          state = plan.stream.initialState(config);
          plan.persisted = 'invalid';
        }
        nextSweepAt = clock.now() + plan.intervalMs;
      }
    } catch (error) {
      if (failure === undefined) failure = { error, stream: plan.stream.name };
      plan.logger.error(
        `the ${plan.stream.name} binding failed: ${describeError(error, plan.stream.name)}`,
        errorFields(error),
      );
      requestStop(`${plan.stream.name} failed`);
      abandon.abort(error);
    }
  };

  try {
    await writer.respond(openedResponse(writer.explicit));
    webhooks = await openWebhooks({
      config,
      state: request.state,
      bindings: plans.map((plan) => ({ index: plan.index, streamName: plan.stream.name })),
      writer,
      clock,
      logger,
      hub,
      listen: options.webhookListen,
      signal: timers.signal,
    });
    if (webhooks?.listener !== undefined) options.onWebhookListening?.(webhooks.listener.port);
    logger.info(
      `capture opened: ${plans.length} binding(s) (${plans.map((p) => `${p.stream.name} every ${formatDuration(p.intervalMs)}`).join(', ')})`,
      { eventType: 'connectorStatus' },
    );
    if (plans.length === 0) {
      // Nothing to capture: idle until the runtime ends the session.
      await new Promise<void>((resolve) => {
        if (stopping.signal.aborted) resolve();
        else stopping.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    await Promise.all(plans.map((plan) => runBinding(plan)));
    await writer.flush();
  } finally {
    await webhooks?.listener?.close();
    timers.abort();
    options.stop.removeEventListener('abort', onStop);
    if (options.notion === undefined) await notion.close().catch(() => {});
  }
  if (failure !== undefined) {
    throw new DescribedError(describeError(failure.error, failure.stream), { cause: failure.error });
  }
  logger.info(`capture stopped (${stopReason}) after ${transactions} transaction(s)`);
  return { reason: stopReason, transactions, sweeps };
}
