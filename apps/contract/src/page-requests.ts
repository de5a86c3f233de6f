import nock from 'nock';
import { NOTION_ORIGIN } from './contract-context.js';
import { fixtureBody } from './fixtures.js';

// The requests every page sweep (pages, blocks, comments streams) starts with on a first capture,
// answered from the fixtures: search for pages, search for data sources, a query of each data
// source from start_date (ascending by last_edited_time, as core's page engine sends them).

export const START_DATE = '2020-01-01T00:00:00.000Z';

/** An empty list of search results (the envelope every fixture's list carries). */
export function emptySearch(): Record<string, unknown> {
  return {
    object: 'list',
    results: [],
    next_cursor: null,
    has_more: false,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
}

/** The search result of a data source: its GET answer without the request_id. */
/** The search result of the reference's Groceries page: its GET answer without the request_id. */
export function groceriesPage(): Record<string, unknown> {
  const { request_id: _, ...page } = fixtureBody('pages-retrieve', 'workspace-page');
  return page;
}

export function dataSourceSearchResult(): Record<string, unknown> {
  const { request_id: _, ...source } = fixtureBody('data-sources-retrieve', 'grocery-list');
  return source;
}

export interface PageListingReplies {
  /** The answer to the search for pages. */
  pages: Record<string, unknown>;
  /** The answer to the search for data sources. */
  dataSources: Record<string, unknown>;
  /** Data source id → the answer to its query. */
  queries?: Record<string, Record<string, unknown>>;
}

/** Interceptors for the listings a first page sweep makes. */
export function replyPageListings(replies: PageListingReplies): void {
  // Any query string: which properties a request asks for (filter_properties) is not what these
  // tests check; the bodies are matched exactly.
  const scope = nock(NOTION_ORIGIN)
    .post('/v1/search', {
      filter: { property: 'object', value: 'page' },
      sort: { timestamp: 'last_edited_time', direction: 'descending' },
      page_size: 100,
    })
    .query(true)
    .reply(200, replies.pages)
    .post('/v1/search', { filter: { property: 'object', value: 'data_source' }, page_size: 100 })
    .query(true)
    .reply(200, replies.dataSources);
  // The listing reads the database of each data source search lists (its `data_sources` list finds
  // the siblings search omits): the Grocery List database of the reference examples.
  const listed = (replies.dataSources as { results?: { parent?: { database_id?: string } }[] }).results ?? [];
  const databases = new Set(
    listed.map((source) => source.parent?.database_id).filter((id) => id !== undefined),
  );
  for (const id of databases) {
    const grocery = fixtureBody<{ id: string }>('databases-retrieve', 'grocery-list');
    if (grocery.id !== id) throw new Error(`no reference database ${id}`);
    scope.get(`/v1/databases/${id}`).reply(200, grocery);
  }
  for (const [id, answer] of Object.entries(replies.queries ?? {})) {
    scope
      .post(`/v1/data_sources/${id}/query`, {
        filter: { timestamp: 'last_edited_time', last_edited_time: { on_or_after: START_DATE } },
        sorts: [{ timestamp: 'last_edited_time', direction: 'ascending' }],
        page_size: 100,
      })
      .query(true)
      .reply(200, answer);
  }
}
