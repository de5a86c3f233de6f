import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Workspace } from '@source-notion/notion-emulator';
import { createWorkspace } from '@source-notion/notion-emulator';

/** One mutation applied to the demo workspace, with the emulated time it happened at. */
export type DemoMutation =
  | { at: number; op: 'editPage'; id: string; title: string }
  | { at: number; op: 'editBlock'; id: string; text: string }
  | { at: number; op: 'appendBlocks'; id: string; count: number }
  | { at: number; op: 'deleteBlock'; id: string }
  | { at: number; op: 'addComment'; id: string; text: string }
  | { at: number; op: 'trashPage'; id: string };

/** What makes the demo workspace the same on every run: the generator inputs and the mutations since. */
export interface DemoWorkspaceFile {
  seed: number;
  size: 'tiny' | 'small';
  /** The generator's "now": every generated timestamp is before it. */
  createdAt: number;
  runs: number;
  mutations: DemoMutation[];
}

export function loadDemoWorkspaceFile(path: string, now: number): DemoWorkspaceFile {
  if (existsSync(path)) {
    const value = JSON.parse(readFileSync(path, 'utf8')) as DemoWorkspaceFile;
    if (
      typeof value.seed === 'number' &&
      typeof value.createdAt === 'number' &&
      Array.isArray(value.mutations)
    ) {
      return value;
    }
    throw new Error(`${path} is not a demo workspace file: delete the demo output directory to start over`);
  }
  return { seed: 7, size: 'tiny', createdAt: now, runs: 0, mutations: [] };
}

export async function saveDemoWorkspaceFile(path: string, file: DemoWorkspaceFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Applies one mutation with the workspace's clock at the mutation's time. */
export function applyMutation(workspace: Workspace, mutation: DemoMutation): void {
  workspace.setClock(() => mutation.at);
  switch (mutation.op) {
    case 'editPage':
      workspace.editPage(mutation.id, { title: mutation.title });
      break;
    case 'editBlock':
      workspace.editBlock(mutation.id, { text: mutation.text });
      break;
    case 'appendBlocks':
      workspace.appendBlocks(mutation.id, mutation.count);
      break;
    case 'deleteBlock':
      workspace.deleteBlock(mutation.id);
      break;
    case 'addComment':
      workspace.addComment(mutation.id, { text: mutation.text });
      break;
    case 'trashPage':
      workspace.trashPage(mutation.id);
      break;
  }
}

/** The generated workspace with every recorded mutation replayed at its original time. */
export function rebuildWorkspace(file: DemoWorkspaceFile): Workspace {
  const workspace = createWorkspace({ seed: file.seed, size: file.size, now: file.createdAt });
  for (const mutation of file.mutations) applyMutation(workspace, mutation);
  return workspace;
}

const EDITABLE_BLOCKS = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'to_do',
  'quote',
]);

/**
 * A few edits like people make between two captures, chosen from the run number so every
 * run changes different pages: a renamed page with a new comment, an edited and a deleted
 * block, new blocks. (A page moved to the trash is left out: incremental sweeps cannot see it in
 * search; the streams pick trashed pages up on their periodic full scans.)
 */
export function plannedMutations(workspace: Workspace, run: number, at: number): DemoMutation[] {
  const pages = workspace.pages.filter(
    (page) => page.shared && !page.inTrash && !page.purged && workspace.pageAccessible(page.idx),
  );
  if (pages.length < 5) return [];
  const pick = (k: number) => pages[(run * 7 + k * 11) % pages.length]!;
  const blocksOf = (pageIdx: number) =>
    [...workspace.content(pageIdx).blocks.values()].filter(
      (node) => !node.inTrash && EDITABLE_BLOCKS.has(node.type),
    );
  const mutations: DemoMutation[] = [];
  const renamed = pick(0);
  mutations.push({
    at,
    op: 'editPage',
    id: renamed.id,
    title: `${renamed.title} (edited in demo run ${run})`,
  });
  const edited = blocksOf(pick(1).idx)[0];
  if (edited !== undefined)
    mutations.push({ at, op: 'editBlock', id: edited.id, text: `Edited in demo run ${run}` });
  mutations.push({ at, op: 'appendBlocks', id: pick(2).id, count: 3 });
  const deleted = blocksOf(pick(3).idx).at(-1);
  if (deleted !== undefined) mutations.push({ at, op: 'deleteBlock', id: deleted.id });
  // On a page that changed too: a comment alone does not move a page's last_edited_time, so an
  // incremental sweep finds new comments on the pages it revisits.
  mutations.push({ at, op: 'addComment', id: renamed.id, text: `A comment from demo run ${run}` });
  return mutations;
}

export function describeMutation(workspace: Workspace, mutation: DemoMutation): string {
  const pageTitle = (id: string) => workspace.pageById(id)?.title ?? id;
  switch (mutation.op) {
    case 'editPage':
      return `renamed page ${mutation.id} to "${mutation.title}"`;
    case 'editBlock':
      return `edited block ${mutation.id}`;
    case 'appendBlocks':
      return `appended ${mutation.count} blocks to "${pageTitle(mutation.id)}"`;
    case 'deleteBlock':
      return `deleted block ${mutation.id}`;
    case 'addComment':
      return `commented on "${pageTitle(mutation.id)}"`;
    case 'trashPage':
      return `moved "${pageTitle(mutation.id)}" to the trash`;
  }
}
