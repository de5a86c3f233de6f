/**
 * The baseline: the crawler a user would write on @notionhq/client, sequential like the peers'
 * connectors (one request at a time), relying on the SDK's own retry (429/529 with Retry-After,
 * GET 500/503, twice). It captures the same six collections and writes them as the connector
 * does, `captured` lines on stdout, then one `checkpoint`, then waits for stdin to close (so the
 * bench can sample its memory and CPU before it exits).
 *
 * Runs as a separate process (baseline-main.ts, bundled by the bench).
 */
import {
  APIErrorCode,
  Client,
  ClientErrorCode,
  isNotionClientError,
  iteratePaginatedAPI,
} from '@notionhq/client';

const COLLECTIONS = ['users', 'databases', 'data_sources', 'pages', 'blocks', 'comments'] as const;
type Collection = (typeof COLLECTIONS)[number];
type Doc = Record<string, unknown>;

/** Block types whose children are not part of the page's tree. */
const LEAVES = new Set(['child_page', 'child_database', 'unsupported']);

export interface BaselineOptions {
  baseUrl: string;
  token: string;
  timeScale: number;
  /** Writes one stdout line; a promise makes the crawler wait (backpressure). */
  write: (line: string) => undefined | Promise<unknown>;
}

/** Errors the SDK's retry does not cover but a careful user retries anyway (5xx, resets, timeouts). */
function isTransient(error: unknown): boolean {
  if (!isNotionClientError(error)) return true; // network errors: fetch failed, socket reset
  const status = 'status' in error ? (error as { status?: number }).status : undefined;
  if (typeof status === 'number') return status >= 500 || status === 429 || status === 409;
  return error.code === ClientErrorCode.RequestTimeout || error.code === ClientErrorCode.ResponseError;
}

export async function runBaseline(options: BaselineOptions): Promise<{ documents: number }> {
  const scale = options.timeScale;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / scale));
  const notion = new Client({ auth: options.token, baseUrl: options.baseUrl, logLevel: undefined });
  // The SDK sleeps in real time; against the time-scaled emulator its waits must be scaled too.
  (notion as unknown as { sleep: (ms: number) => Promise<void> }).sleep = sleep;

  /** The usual outer loop: three more tries, 1, 2, 4 s apart, for what the SDK gives up on. */
  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= 3 || !isTransient(error)) throw error;
        await sleep(1000 * 2 ** attempt);
      }
    }
  }

  // The list calls, each page through the outer retry, for iteratePaginatedAPI.
  type Args<F extends (args: never) => unknown> = Parameters<F>[0];
  const search = (a: Args<typeof notion.search>) => withRetry(() => notion.search(a));
  const listUsers = (a: Args<typeof notion.users.list>) => withRetry(() => notion.users.list(a));
  const queryDataSource = (a: Args<typeof notion.dataSources.query>) =>
    withRetry(() => notion.dataSources.query(a));
  const listChildren = (a: Args<typeof notion.blocks.children.list>) =>
    withRetry(() => notion.blocks.children.list(a));
  const listComments = (a: Args<typeof notion.comments.list>) => withRetry(() => notion.comments.list(a));

  const index = new Map<Collection, number>(COLLECTIONS.map((name, i) => [name, i]));
  let documents = 0;
  const emit = async (collection: Collection, doc: Doc): Promise<void> => {
    documents += 1;
    await options.write(`${JSON.stringify({ captured: { binding: index.get(collection), doc } })}\n`);
  };

  for await (const user of iteratePaginatedAPI(listUsers, {})) await emit('users', user as Doc);

  const dataSources = new Map<string, Doc>();
  for await (const item of iteratePaginatedAPI(search, {
    filter: { property: 'object', value: 'data_source' },
  })) {
    const doc = item as Doc;
    if (doc.object === 'data_source' && !dataSources.has(String(doc.id))) {
      dataSources.set(String(doc.id), doc);
      await emit('data_sources', doc);
    }
  }

  const databaseIds = new Set<string>();
  for (const source of dataSources.values()) {
    const parent = source.parent as { database_id?: string } | undefined;
    if (parent?.database_id) databaseIds.add(parent.database_id);
  }
  for (const databaseId of databaseIds) {
    try {
      await emit(
        'databases',
        (await withRetry(() => notion.databases.retrieve({ database_id: databaseId }))) as Doc,
      );
    } catch (error) {
      if (!isNotionClientError(error) || error.code !== APIErrorCode.ObjectNotFound) throw error;
    }
  }

  const pages = new Map<string, Doc>();
  for await (const item of iteratePaginatedAPI(search, { filter: { property: 'object', value: 'page' } })) {
    const doc = item as Doc;
    if (doc.object === 'page') pages.set(String(doc.id), doc);
  }
  for (const dataSourceId of dataSources.keys()) {
    try {
      for await (const row of iteratePaginatedAPI(queryDataSource, { data_source_id: dataSourceId })) {
        const doc = row as Doc;
        if (doc.object === 'page') pages.set(String(doc.id), doc);
      }
    } catch (error) {
      if (!isNotionClientError(error) || error.code !== APIErrorCode.ObjectNotFound) throw error;
    }
  }
  for (const page of pages.values()) await emit('pages', page);

  async function walk(parentId: string, pageId: string, depth: number): Promise<void> {
    let ordinal = 0;
    const withChildren: string[] = [];
    try {
      for await (const item of iteratePaginatedAPI(listChildren, { block_id: parentId })) {
        const block = item as Doc;
        await emit('blocks', { ...block, page_id: pageId, depth, ordinal });
        ordinal += 1;
        const synced = block.synced_block as { synced_from?: unknown } | undefined;
        if (block.has_children === true && !LEAVES.has(String(block.type)) && !synced?.synced_from) {
          withChildren.push(String(block.id));
        }
      }
    } catch (error) {
      // A subtree that is gone (404) or whose children the API refuses (400) is skipped.
      if (
        !isNotionClientError(error) ||
        (error.code !== APIErrorCode.ObjectNotFound && error.code !== APIErrorCode.ValidationError)
      ) {
        throw error;
      }
    }
    for (const id of withChildren) await walk(id, pageId, depth + 1);
  }

  for (const pageId of pages.keys()) {
    await walk(pageId, pageId, 1);
    try {
      for await (const comment of iteratePaginatedAPI(listComments, { block_id: pageId })) {
        await emit('comments', { ...(comment as Doc), page_id: pageId });
      }
    } catch (error) {
      if (!isNotionClientError(error) || error.code !== APIErrorCode.ObjectNotFound) throw error;
    }
  }

  await options.write(`${JSON.stringify({ checkpoint: { state: { updated: {}, mergePatch: true } } })}\n`);
  return { documents };
}
