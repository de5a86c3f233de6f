import { createRandom, type Emulator, type RequestLogEntry } from '@source-notion/notion-emulator';
import type {
  EmulatorCommand,
  EmulatorReply,
  MutationOutcome,
  MutationPlan,
  RequestRecord,
} from './emulator-protocol.js';
import { type BlockShape, type WorkspaceShape, workspaceShape } from './workspace-shape.js';

/** `count` distinct items of `items`, picked by `random` (a partial Fisher–Yates shuffle). */
export function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

const EDITABLE = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'to_do',
  'quote',
]);

/** Operations of a 1%-changed sweep: a mix of property edits, block edits, appends and deletions. */
export type PageChange =
  | { op: 'editPage'; pageId: string }
  | { op: 'editBlock'; pageId: string; blockId: string }
  | { op: 'appendBlocks'; pageId: string; count: number }
  | { op: 'deleteBlock'; pageId: string; blockId: string };

/** Plans the changes: `fraction` of the pages, each getting one operation (in rotation). */
export function planChanges(shape: WorkspaceShape, plan: MutationPlan): PageChange[] {
  const random = createRandom(plan.seed).next;
  const count = Math.max(1, Math.round(shape.pages.length * plan.fraction));
  const pages = pick(shape.pages, count, random);
  const leavesByPage = new Map<string, BlockShape[]>();
  for (const block of shape.blocks) {
    if (block.hasChildren || !EDITABLE.has(block.type)) continue;
    const list = leavesByPage.get(block.pageId);
    if (list) list.push(block);
    else leavesByPage.set(block.pageId, [block]);
  }
  return pages.map((pageId, i): PageChange => {
    const leaves = leavesByPage.get(pageId) ?? [];
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
  const { workspace } = emulator;
  for (const change of changes) {
    operations[change.op] = (operations[change.op] ?? 0) + 1;
    if (change.op === 'editPage') workspace.editPage(change.pageId);
    else if (change.op === 'editBlock') workspace.editBlock(change.blockId);
    else if (change.op === 'appendBlocks') workspace.appendBlocks(change.pageId, change.count);
    else workspace.deleteBlock(change.blockId);
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

export async function handleCommand(emulator: Emulator, command: EmulatorCommand): Promise<EmulatorReply> {
  switch (command.cmd) {
    case 'shape':
      return { id: command.id, shape: currentShape(emulator) };
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
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}`);
  }
}
