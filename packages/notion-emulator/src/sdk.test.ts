import {
  type BlockObjectResponse,
  Client,
  collectPaginatedAPI,
  isFullBlock,
  isFullComment,
  isFullDataSource,
  isFullPage,
  isFullUser,
  iteratePaginatedAPI,
  type PageObjectResponse,
} from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './emulator.js';

interface Crawl {
  users: string[];
  dataSources: string[];
  databases: string[];
  pages: string[];
  blocks: { id: string; page_id: string; depth: number; ordinal: number }[];
  comments: string[];
  inlineComments: string[];
}

/** A complete capture the way the connector is meant to do it, through the SDK. */
async function crawl(notion: Client): Promise<Crawl> {
  const out: Crawl = {
    users: [],
    dataSources: [],
    databases: [],
    pages: [],
    blocks: [],
    comments: [],
    inlineComments: [],
  };
  for await (const user of iteratePaginatedAPI(notion.users.list, {})) {
    expect(isFullUser(user)).toBe(true);
    out.users.push(user.id);
  }
  const pages = new Map<string, PageObjectResponse>();
  for await (const result of iteratePaginatedAPI(notion.search, {
    filter: { property: 'object', value: 'data_source' },
  })) {
    expect(isFullDataSource(result)).toBe(true);
    out.dataSources.push(result.id);
    const ds = await notion.dataSources.retrieve({ data_source_id: result.id });
    if (!isFullDataSource(ds) || ds.parent.type !== 'database_id')
      throw new Error('unexpected data source shape');
    if (!out.databases.includes(ds.parent.database_id)) {
      const db = await notion.databases.retrieve({ database_id: ds.parent.database_id });
      out.databases.push(db.id);
    }
    for await (const row of iteratePaginatedAPI(notion.dataSources.query, {
      data_source_id: ds.id,
      page_size: 25,
    })) {
      if (!isFullPage(row)) throw new Error('partial row');
      pages.set(row.id, row);
    }
  }
  for await (const result of iteratePaginatedAPI(notion.search, {
    filter: { property: 'object', value: 'page' },
    sort: { timestamp: 'last_edited_time', direction: 'ascending' },
  })) {
    if (!isFullPage(result)) throw new Error('partial page');
    pages.set(result.id, result);
  }
  out.pages = [...pages.keys()];
  for (const page of pages.values()) {
    for (const c of await collectPaginatedAPI(notion.comments.list, { block_id: page.id })) {
      expect(isFullComment(c)).toBe(true);
      out.comments.push(c.id);
    }
    const walk = async (parentId: string, depth: number): Promise<void> => {
      let ordinal = 0;
      for await (const block of iteratePaginatedAPI(notion.blocks.children.list, { block_id: parentId })) {
        if (!isFullBlock(block)) throw new Error('partial block');
        out.blocks.push({ id: block.id, page_id: page.id, depth, ordinal: ordinal++ });
        if (commentable(block)) {
          for (const c of await collectPaginatedAPI(notion.comments.list, { block_id: block.id }))
            out.inlineComments.push(c.id);
        }
        const skip =
          block.type === 'child_page' ||
          block.type === 'child_database' ||
          block.type === 'unsupported' ||
          (block.type === 'synced_block' && block.synced_block.synced_from !== null);
        if (block.has_children && !skip) await walk(block.id, depth + 1);
      }
    };
    await walk(page.id, 1);
  }
  return out;
}

const commentable = (block: BlockObjectResponse): boolean =>
  !['child_page', 'child_database', 'unsupported'].includes(block.type);

describe('@notionhq/client against the emulator', () => {
  let emu: Emulator;
  let notion: Client;
  beforeAll(async () => {
    // The crawl treats search as exhaustive: Notion's limits (omissions) off.
    emu = await startEmulator({
      rpm: null,
      limits: false,
      workspace: { seed: 21, size: 'tiny', blocksPerPage: 5 },
    });
    notion = new Client({
      auth: emu.token,
      baseUrl: emu.url,
      retry: false,
      notionVersion: '2025-09-03',
      logger: () => {},
    });
  });
  afterAll(() => emu.close());

  it('iterates users, search, data source rows, block children and comments, matching the ground truth', async () => {
    const got = await crawl(notion);
    const truth = emu.groundTruth();
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(got.users)).toEqual(sorted(truth.users.map((u) => u.id)));
    expect(sorted(got.dataSources)).toEqual(sorted(truth.data_sources.map((d) => d.id)));
    expect(sorted(got.databases)).toEqual(sorted(truth.databases.map((d) => d.id)));
    expect(sorted(got.pages)).toEqual(sorted(truth.pages.map((p) => p.id)));
    const key = (b: { page_id: string; id: string; depth: number; ordinal: number }) =>
      `${b.page_id}/${b.id}/${b.depth}/${b.ordinal}`;
    expect(sorted(got.blocks.map(key))).toEqual(sorted(truth.blocks.map(key)));
    expect(sorted(got.comments)).toEqual(sorted(truth.comments.map((c) => c.id)));
    expect(sorted(got.inlineComments)).toEqual(sorted(truth.inline_comments.map((c) => c.id)));
  });

  it('still matches after mutations (moves, deletes, appends, trash, comments, a new data source)', async () => {
    const ws = emu.workspace;
    const truth = emu.groundTruth();
    const [a, b, c] = truth.pages.filter((p) => p.parent.type === 'page_id');
    const blockOfA = truth.blocks.find((x) => x.page_id === a?.id && x.type === 'paragraph');
    const blockOfB = truth.blocks.find(
      (x) => x.page_id === b?.id && x.type === 'paragraph' && x.id !== blockOfA?.id,
    );
    ws.moveBlock(blockOfA?.id ?? '', c?.id ?? '');
    ws.deleteBlock(blockOfB?.id ?? '');
    const [appended] = ws.appendBlocks(blockOfA?.id ?? '', 2);
    ws.addComment(appended ?? '');
    ws.addDataSource(truth.databases[1]?.id ?? '', { title: 'Added later', rows: 3 });
    ws.trashPage(truth.pages.find((p) => p.parent.type === 'data_source_id')?.id ?? '');
    const got = await crawl(notion);
    const after = emu.groundTruth();
    const key = (x: { page_id: string; id: string; depth: number; ordinal: number }) =>
      `${x.page_id}/${x.id}/${x.depth}/${x.ordinal}`;
    expect([...got.blocks.map(key)].sort()).toEqual([...after.blocks.map(key)].sort());
    expect(after.blocks.find((x) => x.id === blockOfA?.id)?.page_id).toBe(c?.id);
    expect(after.blocks.some((x) => x.id === blockOfB?.id)).toBe(false);
    expect(got.inlineComments.length).toBe(after.inline_comments.length);
    expect(got.dataSources).toHaveLength(4);
    // trashed pages are not searchable nor queryable, but stay in the ground truth with in_trash
    expect(after.pages.filter((p) => p.in_trash)).toHaveLength(1);
    expect(got.pages.length).toBe(after.pages.length - 1);
  });

  it('retrieves page properties and users by id through the SDK', async () => {
    const truth = emu.groundTruth();
    const page = truth.pages.find((p) =>
      Object.values(p.properties).some((v) => v.type === 'relation' && v.relation.length > 25),
    );
    const relation = Object.values(page?.properties ?? {}).find((v) => v.type === 'relation');
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await notion.pages.properties.retrieve({
        page_id: page?.id ?? '',
        property_id: relation?.id ?? '',
        ...(cursor ? { start_cursor: cursor } : {}),
        page_size: 30,
      });
      if (response.object !== 'list') throw new Error('a relation answers a property_item list');
      for (const item of response.results) if (item.type === 'relation') ids.push(item.relation.id);
      cursor = response.next_cursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(relation?.type === 'relation' ? relation.relation.map((r) => r.id) : []);
    expect(ids).toHaveLength(40);
    const me = await notion.users.me({});
    expect(me.type).toBe('bot');
    const user = await notion.users.retrieve({ user_id: truth.users[0]?.id ?? '' });
    expect(user.id).toBe(truth.users[0]?.id);
  });

  it("surfaces API errors as the SDK's APIResponseError with Notion codes", async () => {
    await expect(
      notion.pages.retrieve({ page_id: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({
      code: 'object_not_found',
      status: 404,
    });
    const bad = new Client({ auth: 'wrong', baseUrl: emu.url, retry: false, logger: () => {} });
    await expect(bad.users.me({})).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
  });
});
