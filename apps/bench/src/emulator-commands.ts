import {
  createRandom,
  type Emulator,
  type EmulatorOptions,
  type RequestLogEntry,
  startEmulator,
} from '@source-notion/notion-emulator';
import { planChurn, scheduleChurn } from './churn.js';
import type {
  EmulatorCommand,
  EmulatorReply,
  MutationOutcome,
  MutationPlan,
  RequestRecord,
} from './emulator-protocol.js';
import { applyChange, leavesByPage, type PageChange, pick } from './page-changes.js';
import { probeEmulatorSearch } from './search-probe.js';
import { type WorkspaceShape, workspaceShape } from './workspace-shape.js';

/** Plans the changes: `fraction` of the pages, each getting one operation (in rotation). */
export function planChanges(shape: WorkspaceShape, plan: MutationPlan): PageChange[] {
  const random = createRandom(plan.seed).next;
  const count = Math.max(1, Math.round(shape.pages.length * plan.fraction));
  const pages = pick(shape.pages, count, random);
  const leavesOf = leavesByPage(shape);
  return pages.map((pageId, i): PageChange => {
    const leaves = leavesOf.get(pageId) ?? [];
    const leaf = leaves.length > 0 ? leaves[Math.floor(random() * leaves.length)] : undefined;
    switch (i % 4) {
      case 1:
        return leaf ? { op: 'editBlock', pageId, blockId: leaf.id } : { op: 'editPage', pageId };
      case 2:
        return { op: 'appendBlocks', pageId, count: 2 };
      case 3:
        return leaf ? { op: 'deleteBlock', pageId, blockId: leaf.id } : { op: 'editPage', pageId };
      default:
        return { op: 'editPage', pageId };
    }
  });
}

export function applyChanges(emulator: Emulator, changes: readonly PageChange[]): MutationOutcome {
  const operations: Record<string, number> = {};
  for (const change of changes) {
    operations[change.op] = (operations[change.op] ?? 0) + 1;
    applyChange(emulator, change);
  }
  return { changedPages: [...new Set(changes.map((c) => c.pageId))], operations };
}

/** Deep-nesting: `pages` pages (spread over the workspace) get a chain of toggles `depth` deep. */
export function prepareWorkspace(
  emulator: Emulator,
  options: { deepen?: { pages: number; depth: number } | undefined },
): void {
  if (!options.deepen) return;
  const pages = currentShape(emulator).pages;
  const step = Math.max(1, Math.floor(pages.length / options.deepen.pages));
  for (let i = 0; i < options.deepen.pages && i * step < pages.length; i++) {
    let parent = pages[i * step]!;
    for (let depth = 1; depth <= options.deepen.depth; depth++) {
      const [id] = emulator.workspace.appendBlocks(
        parent,
        1,
        depth < options.deepen.depth ? 'toggle' : 'paragraph',
      );
      parent = id!;
    }
  }
}

/**
 * The Markdown requests a complete page_markdown capture makes beyond one per page: for each page,
 * every id in its `unknown_block_ids` and in theirs in turn (once per page), as the emulator
 * answers them under its record limit. A block that answers 404 (a synced block whose original is
 * not shared) still costs its request; child pages and databases are never unknown here.
 */
export function markdownUnknownFetches(emulator: Emulator, shape: WorkspaceShape): number {
  let fetches = 0;
  for (const pageId of shape.pageMarkdown ?? []) {
    const seen = new Set<string>([pageId]);
    let round = emulator.pageMarkdown(pageId)?.unknown_block_ids ?? [];
    while (round.length > 0) {
      const next: string[] = [];
      for (const id of round) {
        if (seen.has(id)) continue;
        seen.add(id);
        fetches++;
        next.push(...(emulator.pageMarkdown(id)?.unknown_block_ids ?? []));
      }
      round = next;
    }
  }
  return fetches;
}

export function currentShape(emulator: Emulator): WorkspaceShape {
  return workspaceShape(emulator.groundTruth() as unknown as Record<string, unknown>);
}

function requestRecord(entry: RequestLogEntry): RequestRecord {
  return {
    at: entry.at,
    status: entry.status,
    route: entry.route,
    durationMs: entry.durationMs,
    fault: entry.fault,
    code: entry.code,
  };
}

/**
 * The emulator a process serves and what it was started with. `rescale` replaces the emulator by
 * one on the same Workspace with another time scale; a churn runs on its timers.
 */
export interface EmulatorHost {
  emulator: Emulator;
  options: EmulatorOptions & { limits?: unknown };
  churn?: ReturnType<typeof scheduleChurn> | undefined;
}

/**
 * Serves the same workspace on a new emulator whose clock runs `timeScale` times faster, starting
 * where the old one's stands; the old one is closed (fresh request log and rate-limit windows).
 */
async function rescale(host: EmulatorHost, timeScale: number): Promise<string> {
  const old = host.emulator;
  host.churn?.stop();
  host.churn = undefined;
  host.options = { ...host.options, timeScale };
  const next = await startEmulator({
    ...host.options,
    workspace: old.workspace,
    startTime: old.now(),
  } as EmulatorOptions);
  await old.close();
  host.emulator = next;
  return next.url;
}

export async function handleCommand(host: EmulatorHost, command: EmulatorCommand): Promise<EmulatorReply> {
  const { emulator } = host;
  switch (command.cmd) {
    case 'shape': {
      const shape = currentShape(emulator);
      if (command.probeSearch) shape.search = await probeEmulatorSearch(emulator, host.options);
      if (command.markdown) shape.markdownUnknownFetches = markdownUnknownFetches(emulator, shape);
      return { id: command.id, shape };
    }
    case 'mark':
      return { id: command.id, mark: { index: emulator.requests().length, at: emulator.now() } };
    case 'resetRateLimits':
      emulator.resetRateLimits();
      return { id: command.id, reset: true };
    case 'requests':
      return {
        id: command.id,
        requests: emulator.requests().slice(command.since).map(requestRecord),
      };
    case 'mutate':
      return {
        id: command.id,
        mutation: applyChanges(emulator, planChanges(currentShape(emulator), command.plan)),
      };
    case 'rescale':
      return { id: command.id, url: await rescale(host, command.timeScale) };
    case 'churn': {
      host.churn?.stop();
      const changes = planChurn(currentShape(emulator), command.plan);
      host.churn = scheduleChurn(emulator, changes, host.options.timeScale ?? 1);
      return { id: command.id, churn: host.churn.status() };
    }
    case 'apply': {
      const at = emulator.now();
      const fn = (emulator.workspace as unknown as Record<string, (...args: unknown[]) => unknown>)[
        command.op
      ];
      if (typeof fn !== 'function') throw new Error(`unknown mutation ${command.op}`);
      return { id: command.id, applied: { result: fn.apply(emulator.workspace, command.args) ?? null, at } };
    }
    case 'subscribeWebhooks': {
      // A rescaled emulator carries the subscription on, without a second verification request.
      host.options = { ...host.options, webhooks: { ...command.options, verifyOnStart: false } };
      const verification = await emulator.subscribeWebhooks(command.options);
      return { id: command.id, verification: { status: verification.status } };
    }
    case 'unsubscribeWebhooks': {
      const { webhooks: _ended, ...rest } = host.options;
      host.options = rest;
      emulator.unsubscribeWebhooks();
      return { id: command.id, unsubscribed: true };
    }
    case 'webhookDeliveries':
      return { id: command.id, deliveries: emulator.webhookDeliveries() };
    case 'churnStatus': {
      const status = host.churn?.status();
      if (command.stop) host.churn?.stop();
      return {
        id: command.id,
        churn: status ?? { planned: 0, applied: 0, failed: 0, operations: {}, changedPages: [], errors: [] },
      };
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
}
