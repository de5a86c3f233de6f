/** What a latency sample measures: a page property edit, a new comment, a page moved to the trash. */
export const LATENCY_KINDS = ['pageEdit', 'newComment', 'trashedPage'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/** One mutation and when its document reached the connector's stdout (emulated epoch ms). */
export interface LatencySample {
  kind: LatencyKind;
  /** The document's id (the page, or the comment). */
  id: string;
  /** When the mutation was made. */
  at: number;
  /** When its webhook event was delivered (answered 2xx); null without one. */
  deliveredAt: number | null;
  /** When the first document of that id after the mutation came on stdout; null if none did. */
  seenAt: number | null;
}

/** Median and 95th percentile of some seconds; null when there are none. */
export interface Spread {
  count: number;
  medianSeconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
}

/** Latency of one kind of change in one mode. */
export interface KindLatency {
  samples: number;
  /** Samples whose document never came within the wait (censored: left out of the spreads). */
  unseen: number;
  fromMutation: Spread;
  /** From the delivery of the event naming it (webhooks on only). */
  fromDelivery: Spread;
}

/** One mode of the webhook-latency workload: webhooks on, or polling alone. */
export interface LatencyMode {
  webhooks: boolean;
  timeScale: number;
  /** Polling interval of the page streams (the connector's default), emulated seconds. */
  pollingIntervalSeconds: number;
  /** Longest wait for a document after the last mutation, emulated seconds. */
  maxWaitSeconds: number;
  byKind: Record<LatencyKind, KindLatency>;
  /** Webhook deliveries: events, attempts, duplicates; the verification request's status. */
  deliveries?: { events: number; delivered: number; attempts: number; verificationStatus: number | null };
  ok: boolean;
  error?: string | undefined;
  requests: number;
}

/** The q-quantile (nearest rank) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

export function spread(seconds: readonly number[]): Spread {
  const sorted = [...seconds].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    medianSeconds: round(quantile(sorted, 0.5)),
    p95Seconds: round(quantile(sorted, 0.95)),
    maxSeconds: round(sorted.at(-1) ?? null),
  };
}

/** Latencies by kind, from mutation and from delivery (seconds of emulated time). */
export function latencyByKind(samples: readonly LatencySample[]): Record<LatencyKind, KindLatency> {
  const byKind = {} as Record<LatencyKind, KindLatency>;
  for (const kind of LATENCY_KINDS) {
    const mine = samples.filter((s) => s.kind === kind);
    const seen = mine.filter((s): s is LatencySample & { seenAt: number } => s.seenAt !== null);
    byKind[kind] = {
      samples: mine.length,
      unseen: mine.length - seen.length,
      fromMutation: spread(seen.map((s) => (s.seenAt - s.at) / 1000)),
      fromDelivery: spread(
        seen
          .filter((s) => s.deliveredAt !== null)
          .map((s) => Math.max(0, s.seenAt - (s.deliveredAt ?? 0)) / 1000),
      ),
    };
  }
  return byKind;
}
