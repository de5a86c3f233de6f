import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { WebhookDelivery, WebhookOptions } from '@source-notion/notion-emulator';
import { BENCH_DIR } from './bundle.js';
import type { ChurnPlan, ChurnStatus } from './churn.js';
import type {
  AppliedMutation,
  EmulatorProcessOptions,
  EmulatorReply,
  MutationOutcome,
  MutationPlan,
  RequestRecord,
} from './emulator-protocol.js';
import type { WorkspaceShape } from './workspace-shape.js';

/** The emulator running in its own process, driven over IPC. */
export interface EmulatorHandle {
  /** The API's base URL (a new one after `rescale`). */
  url: string;
  token: string;
  pid: number;
  /** The ground truth's shape; with `probeSearch`, also what search can return (`shape.search`). */
  shape(options?: { probeSearch?: boolean; markdown?: boolean }): Promise<WorkspaceShape>;
  /** Where the request log stands now: later `requests(mark.index)` returns what came after. */
  mark(): Promise<{ index: number; at: number }>;
  /** Fresh rate-limit windows (between two contenders). */
  resetRateLimits(): Promise<void>;
  requests(since: number): Promise<RequestRecord[]>;
  mutate(plan: MutationPlan): Promise<MutationOutcome>;
  /**
   * The same workspace served on a new emulator whose clock runs `timeScale` times faster from
   * where it stands (new `url`, fresh request log and rate-limit windows).
   */
  rescale(timeScale: number): Promise<void>;
  /** Starts changing the workspace on the emulator's clock (churn.ts); replaces a running churn. */
  churn(plan: ChurnPlan): Promise<ChurnStatus>;
  /** How the churn stands; `stop` cancels the changes not made yet. */
  churnStatus(stop?: boolean): Promise<ChurnStatus>;
  /** One workspace mutation by name (`editPage`, `addComment`, `trashPage`, …), made now. */
  apply(op: string, args: unknown[]): Promise<AppliedMutation>;
  /** Starts the webhook subscription (kept across `rescale`); resolves with the verification's status. */
  subscribeWebhooks(options: WebhookOptions): Promise<{ status: number | null }>;
  /** Every webhook event queued so far and how its delivery stands. */
  webhookDeliveries(): Promise<WebhookDelivery[]>;
  /** Ends the webhook subscription (see Emulator.unsubscribeWebhooks). */
  unsubscribeWebhooks(): Promise<void>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/**
 * Starts the emulator process: from `bundle` (buildEmulatorBundle) with plain node when given,
 * else from source through tsx.
 */
export function launchEmulator(options: EmulatorProcessOptions, bundle?: string): Promise<EmulatorHandle> {
  const [entry, loader] =
    bundle === undefined
      ? [
          join(BENCH_DIR, 'src/emulator-process.ts'),
          ['--conditions=@source-notion/source', '--import', 'tsx'],
        ]
      : [bundle, []];
  const child: ChildProcess = fork(entry, [JSON.stringify(options)], {
    execArgv: [...loader, '--max-old-space-size=8192'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let nextId = 1;
  const waiting = new Map<
    number,
    { resolve: (reply: EmulatorReply) => void; reject: (error: Error) => void }
  >();
  const failAll = (error: Error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the emulator process did not start in time'));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`the emulator process exited (${signal ?? code})`);
      reject(error);
      failAll(error);
    });
    child.on('message', (message: EmulatorReply) => {
      if ('ready' in message) {
        clearTimeout(timer);
        resolve(handle(message.url, message.token));
        return;
      }
      const entry = waiting.get(message.id);
      if (!entry) return;
      waiting.delete(message.id);
      if ('error' in message) entry.reject(new Error(`emulator: ${message.error}`));
      else entry.resolve(message);
    });
  });

  function call<K extends string>(command: Record<string, unknown>, key: K): Promise<unknown> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve: (reply) => resolve((reply as Record<string, unknown>)[key]), reject });
      child.send({ id, ...command });
    });
  }

  function handle(url: string, token: string): EmulatorHandle {
    const emulator: EmulatorHandle = {
      url,
      token,
      pid: child.pid ?? -1,
      shape: (options) =>
        call(
          { cmd: 'shape', probeSearch: options?.probeSearch === true, markdown: options?.markdown === true },
          'shape',
        ) as Promise<WorkspaceShape>,
      mark: () => call({ cmd: 'mark' }, 'mark') as Promise<{ index: number; at: number }>,
      resetRateLimits: async () => {
        await call({ cmd: 'resetRateLimits' }, 'reset');
      },
      requests: (since) => call({ cmd: 'requests', since }, 'requests') as Promise<RequestRecord[]>,
      mutate: (plan) => call({ cmd: 'mutate', plan }, 'mutation') as Promise<MutationOutcome>,
      rescale: async (timeScale) => {
        emulator.url = (await call({ cmd: 'rescale', timeScale }, 'url')) as string;
      },
      churn: (plan) => call({ cmd: 'churn', plan }, 'churn') as Promise<ChurnStatus>,
      churnStatus: (stop) =>
        call({ cmd: 'churnStatus', stop: stop === true }, 'churn') as Promise<ChurnStatus>,
      apply: (op, args) => call({ cmd: 'apply', op, args }, 'applied') as Promise<AppliedMutation>,
      subscribeWebhooks: (options) =>
        call({ cmd: 'subscribeWebhooks', options }, 'verification') as Promise<{ status: number | null }>,
      webhookDeliveries: () => call({ cmd: 'webhookDeliveries' }, 'deliveries') as Promise<WebhookDelivery[]>,
      unsubscribeWebhooks: async () => {
        await call({ cmd: 'unsubscribeWebhooks' }, 'unsubscribed');
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.disconnect();
        }),
    };
    return emulator;
  }
}
