import { type Emulator, type EmulatorOptions, startEmulator } from '@source-notion/notion-emulator';
import type { SearchReach } from './workspace-shape.js';

/** One answer of `POST /v1/search`, as much of it as the probe reads. */
export interface SearchAnswer {
  status: number;
  results?: Array<{ id: string }>;
  next_cursor?: string | null;
  has_more?: boolean;
  request_status?: { type?: string };
}

export type SearchPost = (body: Record<string, unknown>) => Promise<SearchAnswer>;

interface ListingRead {
  ids: string[];
  /** Stopped by the position cap (a rejected cursor, or `request_status: incomplete`), not its end. */
  capped: boolean;
}

/**
 * Reads one search listing to its end or its cap. `stopAt` ends it at the first id it holds (the
 * ascending listing stops where the descending one began to cover).
 */
async function readListing(
  post: SearchPost,
  value: 'page' | 'data_source',
  direction: 'ascending' | 'descending',
  stopAt?: ReadonlySet<string>,
): Promise<ListingRead> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const answer = await post({
      filter: { property: 'object', value },
      sort: { timestamp: 'last_edited_time', direction },
      page_size: 100,
      ...(cursor === undefined ? {} : { start_cursor: cursor }),
    });
    // A cursor past the cap is rejected (400); the first page is never.
    if (answer.status === 400 && cursor !== undefined) return { ids, capped: true };
    if (answer.status !== 200) throw new Error(`search probe: search answered ${answer.status}`);
    for (const result of answer.results ?? []) {
      if (stopAt?.has(result.id)) return { ids, capped: false };
      ids.push(result.id);
    }
    if (answer.request_status?.type === 'incomplete') return { ids, capped: true };
    if (!answer.has_more || !answer.next_cursor) return { ids, capped: false };
    cursor = answer.next_cursor;
  }
}

/**
 * What search can return: pages newest first to the end or the cap, then (when capped) oldest
 * first up to the first page already read; data sources in one listing.
 */
export async function probeSearch(post: SearchPost): Promise<SearchReach> {
  const descending = await readListing(post, 'page', 'descending');
  const ascending = descending.capped
    ? await readListing(post, 'page', 'ascending', new Set(descending.ids))
    : { ids: [], capped: false };
  const dataSources = await readListing(post, 'data_source', 'descending');
  return {
    descending: descending.ids,
    ascending: ascending.ids,
    capped: descending.capped,
    dataSources: dataSources.ids,
  };
}

/**
 * Probes the emulator's search on its own workspace through a second emulator serving the same
 * Workspace with the same seed, limits and search faults but no rate limit, latency or other
 * faults, on an unscaled clock starting at the emulator's now (so no cursor expires): what search
 * returns, as a client with unlimited time would see it. The workspace's clock is handed back to
 * the emulator afterwards.
 */
export async function probeEmulatorSearch(
  emulator: Emulator,
  options: Pick<EmulatorOptions, 'seed' | 'faults'> & { limits?: unknown },
): Promise<SearchReach> {
  const { rates: _rates, schedule: _schedule, ...searchFaults } = options.faults ?? {};
  const probe = await startEmulator({
    workspace: emulator.workspace,
    seed: options.seed,
    rpm: null,
    latency: false,
    timeScale: 1,
    startTime: emulator.now(),
    requestLogLimit: 10,
    faults: searchFaults,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  } as EmulatorOptions);
  try {
    return await probeSearch(async (body) => {
      const response = await fetch(`${probe.url}/v1/search`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${probe.token}`,
          'notion-version': '2025-09-03',
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Omit<SearchAnswer, 'status'>;
      return { ...json, status: response.status };
    });
  } finally {
    await probe.close();
    emulator.workspace.setClock(() => emulator.now());
  }
}
