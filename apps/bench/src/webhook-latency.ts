import { performance } from 'node:perf_hooks';
import { createRandom, type WebhookDelivery, type WebhookOptions } from '@source-notion/notion-emulator';
import { launchEmulator } from './emulator-handle.js';
import { backfillFloor } from './floor.js';
import {
  LATENCY_KINDS,
  type LatencyKind,
  type LatencyMode,
  type LatencySample,
  latencyByKind,
} from './latency-figures.js';
import { leavesByPage, pick } from './page-changes.js';
import { runConnectorSession } from './run-contender.js';
import type { BenchContext, MeasuredWorkload } from './run-workload.js';
import { BENCH_VERIFICATION_TOKEN, freePort } from './webhook-listener.js';
import { LATENCY } from './workloads.js';
import type { WorkspaceShape } from './workspace-shape.js';
import { FLOOR_STREAMS } from './workspace-shape.js';

/** The connector's polling interval when a binding names none (apps/connector binding-plan.ts DEFAULT_INTERVAL_MS). */
export const CONNECTOR_DEFAULT_INTERVAL_SECONDS = 300;

/** A session is ended before the connector's daily restart (a day after it began) would end it. */
const SESSION_CAP_MS = 23.5 * 3_600_000;

export interface LatencySpec {
  name: string;
  description: string;
  workspace: Record<string, unknown>;
  rpm: number;
  /** Samples of each kind (a page edit, a new comment, a trashed page), made in rotation. */
  samplesPerKind: number;
  /** Emulated ms between two mutations. */
  spacingMs: number;
  /** Webhooks on: time scale (low, so the connector's own milliseconds stay small in emulated time) and the subscription. */
  on: { timeScale: number; webhooks: Omit<WebhookOptions, 'url'>; maxWaitMs: number };
  /**
   * Polling alone: time scale and the longest wait after the last mutation (a comment waits for the
   * daily refresh); either mode's session ends 23.5 emulated hours after it began at the latest.
   */
  off: { timeScale: number; maxWaitMs: number };
  timeoutSeconds: number;
}

const EVENT_OF: Record<LatencyKind, string> = {
  pageEdit: 'page.properties_updated',
  newComment: 'comment.created',
  trashedPage: 'page.deleted',
};
const COLLECTION_OF: Record<LatencyKind, string> = {
  pageEdit: 'pages',
  newComment: 'comments',
  trashedPage: 'pages',
};
const MUTATION_OF: Record<LatencyKind, string> = {
  pageEdit: 'editPage',
  newComment: 'addComment',
  trashedPage: 'trashPage',
};

/**
 * Runs the connector against a fresh emulator: its backfill first, then (webhooks on: after the
 * subscription's verification request) one mutation every `spacingMs` in rotation, and measures
 * when each mutation's document comes on stdout. Ends when every sample was seen or `maxWaitMs`
 * after the last mutation.
 */
async function runMode(
  spec: LatencySpec,
  context: BenchContext,
  webhooks: boolean,
): Promise<{ mode: LatencyMode; shape: WorkspaceShape }> {
  const mode = webhooks ? spec.on : spec.off;
  const emulator = await launchEmulator(
    {
      workspace: spec.workspace,
      rpm: spec.rpm,
      timeScale: mode.timeScale,
      latency: LATENCY,
      seed: Number(spec.workspace.seed ?? 1),
      limits: false,
    },
    context.emulatorBundle,
  );
  try {
    const port = webhooks ? await freePort() : 0;
    const shape = await emulator.shape();
    // Pages with editable blocks are not in the trash; each sample gets a page of its own.
    const targets = pick(
      [...leavesByPage(shape).keys()],
      spec.samplesPerKind * LATENCY_KINDS.length,
      createRandom(5).next,
    );
    const mark = await emulator.mark();
    const perf0 = performance.now();
    const now = () => mark.at + (performance.now() - perf0) * mode.timeScale;
    const samples: LatencySample[] = [];
    const swept = new Set<string>();
    let lastMutationAt = Number.POSITIVE_INFINITY;
    let started = false;
    let verificationStatus: number | null = null;
    // The bindings the session opens (runConnectorSession's default), in binding order.
    const pagesBinding = FLOOR_STREAMS as readonly string[];

    let scheduleError: string | undefined;
    const schedule = async () => {
      if (webhooks)
        verificationStatus = (
          await emulator.subscribeWebhooks({
            ...spec.on.webhooks,
            url: `http://127.0.0.1:${port}/`,
            verificationToken: BENCH_VERIFICATION_TOKEN,
          })
        ).status;
      for (let i = 0; i < targets.length; i++) {
        const kind = LATENCY_KINDS[i % LATENCY_KINDS.length] as LatencyKind;
        const pageId = targets[i] as string;
        const applied = await emulator.apply(MUTATION_OF[kind], [pageId]);
        const id = kind === 'newComment' ? String(applied.result) : pageId;
        samples.push({ kind, id, at: applied.at, deliveredAt: null, seenAt: null });
        if (i < targets.length - 1) await sleep(spec.spacingMs / mode.timeScale);
      }
      lastMutationAt = now();
    };

    const outcome = await runConnectorSession({
      bundle: context.connectorBundle ?? '',
      target: {
        url: emulator.url,
        token: emulator.token,
        requestsPerMinute: spec.rpm,
        timeScale: mode.timeScale,
      },
      state: {},
      timeoutMs: spec.timeoutSeconds * 1000,
      nodeArgs: context.connectorNodeArgs,
      defaultIntervals: true,
      clockStartMs: mark.at,
      ...(webhooks ? { webhooks: { port, verificationToken: BENCH_VERIFICATION_TOKEN } } : {}),
      onStderr: (line) => {
        const stream = sweptStream(line);
        if (stream) swept.add(stream);
        if (started || swept.size < FLOOR_STREAMS.length) return;
        // Every binding has swept once (the backfill): the mutations start.
        started = true;
        schedule().catch((error: unknown) => {
          scheduleError = error instanceof Error ? error.message : String(error);
          lastMutationAt = now();
        });
      },
      onMessage: (message) => {
        const captured = (message as { captured?: { binding?: number; doc?: { id?: string } } }).captured;
        if (!captured || typeof captured.binding !== 'number') return;
        const collection = pagesBinding[captured.binding];
        const at = now();
        for (const sample of samples)
          if (
            sample.seenAt === null &&
            sample.id === captured.doc?.id &&
            COLLECTION_OF[sample.kind] === collection &&
            at >= sample.at
          )
            sample.seenAt = at;
      },
      until: () =>
        samples.length === targets.length &&
        (samples.every((s) => s.seenAt !== null) ||
          now() > Math.min(lastMutationAt + mode.maxWaitMs, mark.at + SESSION_CAP_MS)),
    });
    const deliveries = webhooks ? await emulator.webhookDeliveries() : [];
    for (const sample of samples) sample.deliveredAt = deliveredAt(deliveries, sample);
    const records = await emulator.requests(mark.index);
    const error =
      outcome.run.error ??
      scheduleError ??
      (samples.length < targets.length ? 'not every mutation was made' : undefined);
    const figures: LatencyMode = {
      webhooks,
      timeScale: mode.timeScale,
      pollingIntervalSeconds: CONNECTOR_DEFAULT_INTERVAL_SECONDS,
      maxWaitSeconds: mode.maxWaitMs / 1000,
      byKind: latencyByKind(samples),
      ...(webhooks
        ? {
            deliveries: {
              events: deliveries.length,
              delivered: deliveries.filter((d) => d.status === 'delivered').length,
              attempts: deliveries.reduce((sum, d) => sum + d.attempts, 0),
              verificationStatus,
            },
          }
        : {}),
      ok: error === undefined,
      error,
      requests: records.length,
    };
    return { mode: figures, shape };
  } finally {
    await emulator.close();
  }
}

function deliveredAt(deliveries: readonly WebhookDelivery[], sample: LatencySample): number | null {
  const match = deliveries.find(
    (d) =>
      d.entityId === sample.id &&
      d.type === EVENT_OF[sample.kind] &&
      d.occurredAt >= sample.at &&
      d.deliveredAt !== null,
  );
  return match?.deliveredAt ?? null;
}

/** The stream of a `sweepCompleted` log line, else undefined. */
function sweptStream(line: string): string | undefined {
  if (!line.includes('sweepCompleted')) return undefined;
  try {
    const fields = (JSON.parse(line) as { fields?: Record<string, unknown> }).fields ?? {};
    return typeof fields.sweepCompleted === 'number' && typeof fields.stream === 'string'
      ? fields.stream
      : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The webhook-latency workload: the same mutations with webhooks on, then with polling alone. */
export async function runWebhookLatency(spec: LatencySpec, context: BenchContext): Promise<MeasuredWorkload> {
  const modes: LatencyMode[] = [];
  let shape: WorkspaceShape | undefined;
  for (const webhooks of [true, false]) {
    context.log(
      `${spec.name}: connector, webhooks ${webhooks ? 'on' : 'off'} (×${(webhooks ? spec.on : spec.off).timeScale})…`,
    );
    const run = await runMode(spec, context, webhooks);
    context.log(`  ${latencySummary(run.mode)}`);
    modes.push(run.mode);
    shape = run.shape;
  }
  const minimum = backfillFloor(shape as WorkspaceShape);
  return {
    name: spec.name,
    kind: 'latency',
    description: spec.description,
    requestsPerMinute: spec.rpm,
    timeScale: spec.on.timeScale,
    workspace: {
      pages: shape?.pages.length ?? 0,
      blocks: shape?.blocks.length ?? 0,
      users: shape?.users.length ?? 0,
      dataSources: shape?.dataSources.length ?? 0,
      comments: shape?.comments.length ?? 0,
    },
    // The backfill each mode makes before its mutations.
    minimum,
    floorSeconds: null,
    runs: [],
    latency: modes,
    traces: [],
  };
}

export function latencySummary(mode: LatencyMode): string {
  const parts = LATENCY_KINDS.map((kind) => {
    const k = mode.byKind[kind];
    const fromDelivery = mode.webhooks ? `, from delivery ${k.fromDelivery.medianSeconds ?? '–'} s` : '';
    return `${kind} median ${k.fromMutation.medianSeconds ?? '–'} s${fromDelivery} (${k.samples - k.unseen}/${k.samples} seen)`;
  });
  return `webhooks ${mode.webhooks ? 'on' : 'off'}: ${mode.ok ? 'ok' : `FAILED (${mode.error})`}; ${parts.join('; ')}`;
}
