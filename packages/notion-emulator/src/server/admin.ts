import type { WebhookOptions } from '../webhooks/webhook-options.js';
import type { WorkspaceMutationName } from '../workspace/mutation-listener.js';
import type { ErrorCode } from './errors.js';
import type { FaultKind, InjectOptions } from './faults.js';
import type { AdminResponse } from './http-server.js';

/** What the admin API reaches into (the emulator implements it). */
export interface AdminTarget {
  groundTruth(): unknown;
  groundTruthSummary(): unknown;
  requests(): unknown;
  counters(): unknown;
  resetCounters(): void;
  resetRateLimits(): void;
  now(): number;
  injectFault(kind: FaultKind, options?: InjectOptions): void;
  failObject(id: string, failure: { status: number; code: ErrorCode; message?: string }): void;
  clearObjectFailure(id: string): void;
  mutate(op: string, args: unknown[]): unknown;
  webhookDeliveries(): unknown;
  webhookSubscription(): { url: string; verificationToken: string } | undefined;
  subscribeWebhooks(options: WebhookOptions): Promise<unknown>;
}

export const MUTATIONS = [
  'editPage',
  'editBlock',
  'appendBlocks',
  'deleteBlock',
  'moveBlock',
  'movePage',
  'trashPage',
  'restorePage',
  'purgePage',
  'unsharePage',
  'sharePage',
  'addComment',
  'resolveComment',
  'addDataSource',
  'addPage',
  'hideFromSearch',
  'addProperty',
  'renameProperty',
  'retypeProperty',
] as const satisfies readonly WorkspaceMutationName[];
export type MutationName = (typeof MUTATIONS)[number];

function error(status: number, message: string): AdminResponse {
  return {
    status,
    body: {
      object: 'error',
      status,
      code: status === 404 ? 'invalid_request_url' : 'validation_error',
      message,
    },
  };
}

function parse(body: string): Record<string, unknown> | undefined {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Admin API (no auth, never rate limited, no faults):
 *   GET  /__emulator/ground-truth[?summary=1]   GET /__emulator/requests   GET /__emulator/counters
 *   GET  /__emulator/now                        POST /__emulator/reset   (counters, request log, rate windows)
 *   POST /__emulator/mutations {op, args}       POST /__emulator/faults {kind, route?, count?}
 *   POST /__emulator/object-failures {id, status, code, message?}   (status 0: clears the id's failure)
 *   GET  /__emulator/webhooks   (the subscription and every event's delivery)
 *   POST /__emulator/webhooks {url, ...WebhookOptions}   (subscribes; the verification request follows)
 */
export function handleAdmin(target: AdminTarget, method: string, url: URL, body: string): AdminResponse {
  const path = url.pathname.replace(/\/+$/, '');
  const route = `${method} ${path}`;
  try {
    switch (route) {
      case 'GET /__emulator/ground-truth':
        return {
          status: 200,
          body: url.searchParams.get('summary') ? target.groundTruthSummary() : target.groundTruth(),
        };
      case 'GET /__emulator/requests':
        return { status: 200, body: target.requests() };
      case 'GET /__emulator/counters':
        return { status: 200, body: target.counters() };
      case 'GET /__emulator/now':
        return { status: 200, body: { now: target.now(), iso: new Date(target.now()).toISOString() } };
      case 'POST /__emulator/reset':
        target.resetCounters();
        target.resetRateLimits();
        return { status: 200, body: { ok: true } };
      case 'POST /__emulator/mutations': {
        const parsed = parse(body);
        if (!parsed || typeof parsed.op !== 'string')
          return error(400, 'body must be {"op": "<mutation>", "args": [...]}');
        if (!(MUTATIONS as readonly string[]).includes(parsed.op))
          return error(400, `unknown mutation ${parsed.op}; one of ${MUTATIONS.join(', ')}`);
        const args = Array.isArray(parsed.args) ? parsed.args : [];
        const result = target.mutate(parsed.op, args);
        return { status: 200, body: { ok: true, result: result ?? null } };
      }
      case 'POST /__emulator/faults': {
        const parsed = parse(body);
        if (!parsed || typeof parsed.kind !== 'string')
          return error(400, 'body must be {"kind": "<fault>", "route"?: "...", "count"?: n}');
        const options: InjectOptions = {};
        if (typeof parsed.route === 'string')
          options.route = parsed.route as NonNullable<InjectOptions['route']>;
        if (typeof parsed.count === 'number') options.count = parsed.count;
        target.injectFault(parsed.kind as FaultKind, options);
        return { status: 200, body: { ok: true } };
      }
      case 'POST /__emulator/object-failures': {
        const parsed = parse(body);
        if (!parsed || typeof parsed.id !== 'string' || typeof parsed.status !== 'number')
          return error(
            400,
            'body must be {"id": "<uuid>", "status": n, "code": "<code>", "message"?: "..."}',
          );
        if (parsed.status === 0) target.clearObjectFailure(parsed.id);
        else
          target.failObject(parsed.id, {
            status: parsed.status,
            code: String(parsed.code ?? 'validation_error') as ErrorCode,
            ...(typeof parsed.message === 'string' ? { message: parsed.message } : {}),
          });
        return { status: 200, body: { ok: true } };
      }
      case 'GET /__emulator/webhooks':
        return {
          status: 200,
          body: {
            subscription: target.webhookSubscription() ?? null,
            deliveries: target.webhookDeliveries(),
          },
        };
      case 'POST /__emulator/webhooks': {
        const parsed = parse(body);
        if (!parsed || typeof parsed.url !== 'string')
          return error(400, 'body must be {"url": "<http(s) URL>", ...webhook options}');
        const sent = target.subscribeWebhooks(parsed as unknown as WebhookOptions);
        sent.catch(() => {}); // the outcome shows in what the receiver saw, and in GET /__emulator/webhooks
        return { status: 200, body: { ok: true, subscription: target.webhookSubscription() ?? null } };
      }
      default:
        return error(404, `no admin route ${route}`);
    }
  } catch (e) {
    return error(400, e instanceof Error ? e.message : String(e));
  }
}
