import type { WebhookDelivery, WebhookOptions } from '@source-notion/notion-emulator';
import type { ChurnPlan, ChurnStatus } from './churn.js';
import type { WorkspaceShape } from './workspace-shape.js';

/** Options of the emulator process: the emulator's own, plus workspace preparation. */
export interface EmulatorProcessOptions {
  workspace?: Record<string, unknown>;
  rpm?: number | null;
  timeScale?: number;
  latency?: false | { medianMs: number; p99Ms: number };
  faults?: { rates: Readonly<Record<string, number>> } | undefined;
  requestLogLimit?: number;
  seed?: number;
  /**
   * Notion's real limits (the emulator's `limits`: search position cap, cursor expiry, omissions);
   * `false` turns them off. Absent: the emulator's defaults.
   */
  limits?: Record<string, unknown> | false;
  /** The emulator's response cache (EmulatorOptions.responseCache). */
  responseCache?: boolean;
  /** Deep-nesting workloads: give `pages` pages a chain of toggles `depth` levels deep. */
  deepen?: { pages: number; depth: number } | undefined;
}

/** One HTTP request as the bench needs it. */
export interface RequestRecord {
  /** Emulated epoch ms when it arrived. */
  at: number;
  status: number;
  /** The fault the emulator injected into it, if any. */
  fault?: string | undefined;
  /** The emulator's route name (e.g. `blocks.children`), or undefined for unknown routes. */
  route?: string | undefined;
  /** Real milliseconds from arrival to the last byte. */
  durationMs: number;
  /** The Notion error code when status >= 400. */
  code?: string | undefined;
}

export interface MutationPlan {
  /** Share of the pages to change, e.g. 0.01. */
  fraction: number;
  seed: number;
}

export interface MutationOutcome {
  changedPages: string[];
  operations: Record<string, number>;
}

export type EmulatorCommand =
  /**
   * probeSearch: also read what search returns (SearchReach), for the floor; markdown: also count
   * the unknown blocks the Markdown endpoint leaves under its record limit.
   */
  | { id: number; cmd: 'shape'; probeSearch?: boolean; markdown?: boolean }
  | { id: number; cmd: 'mark' }
  | { id: number; cmd: 'resetRateLimits' }
  | { id: number; cmd: 'requests'; since: number }
  | { id: number; cmd: 'mutate'; plan: MutationPlan }
  | { id: number; cmd: 'rescale'; timeScale: number }
  | { id: number; cmd: 'churn'; plan: ChurnPlan }
  | { id: number; cmd: 'churnStatus'; stop?: boolean }
  /** One workspace mutation by name (the admin API's), made now. */
  | { id: number; cmd: 'apply'; op: string; args: unknown[] }
  /** Starts the webhook subscription (kept across `rescale`); the verification request follows. */
  | { id: number; cmd: 'subscribeWebhooks'; options: WebhookOptions }
  | { id: number; cmd: 'webhookDeliveries' }
  /** Ends the subscription: nothing more is sent (the next steady state polls alone). */
  | { id: number; cmd: 'unsubscribeWebhooks' };

export type EmulatorReply =
  | { ready: true; url: string; token: string }
  | { id: number; error: string }
  | { id: number; shape: WorkspaceShape }
  | { id: number; mark: { index: number; at: number } }
  | { id: number; reset: true }
  | { id: number; requests: RequestRecord[] }
  | { id: number; mutation: MutationOutcome }
  | { id: number; url: string }
  | { id: number; churn: ChurnStatus }
  | { id: number; applied: AppliedMutation }
  | { id: number; verification: { status: number | null } }
  | { id: number; deliveries: WebhookDelivery[] }
  | { id: number; unsubscribed: true };

/** A mutation made through the emulator process: its result and the emulated time it was made. */
export interface AppliedMutation {
  result: unknown;
  at: number;
}
