import type { Logger, NotionClient } from '@source-notion/core';
import { isNotionApiError } from '@source-notion/core';

/** What the token may read, as far as a few cheap requests can tell. */
export interface Capabilities {
  /** The bot user of the token (`GET /v1/users/me`). */
  bot: { id?: unknown; name?: unknown; workspaceName?: unknown };
  /** False when `GET /v1/users` answers 403: no "Read user information" capability. */
  readUsers: boolean;
  /** False when search answers 403: no "Read content" capability. */
  readContent: boolean;
  /** False when search finds nothing at all: the workspace shared nothing with the integration. */
  sharedSomething: boolean;
  /** False when listing a page's comments answers 403; undefined when no page could be tried. */
  readComments: boolean | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function refusedWith403<T>(
  fn: () => Promise<T>,
): Promise<{ refused: true } | { refused: false; value: T }> {
  try {
    return { refused: false, value: await fn() };
  } catch (error) {
    if (isNotionApiError(error) && (error.status === 403 || error.code === 'restricted_resource')) {
      return { refused: true };
    }
    throw error;
  }
}

/**
 * Probes the token: `GET /v1/users/me` (401 throws), `GET /v1/users` (user information),
 * `POST /v1/search` (content, and whether anything is shared) and `GET /v1/comments` on one page
 * (comments). At most five requests.
 */
export async function probeCapabilities(
  notion: NotionClient,
  logger: Logger,
  signal?: AbortSignal,
): Promise<Capabilities> {
  const options = signal === undefined ? {} : { signal };
  const me: unknown = await notion.call('users.me', (sdk) => sdk.users.me({}), options);
  const meRecord = isRecord(me) ? me : {};
  const botInfo = isRecord(meRecord.bot) ? meRecord.bot : {};
  const bot = { id: meRecord.id, name: meRecord.name, workspaceName: botInfo.workspace_name };

  const users = await refusedWith403(() =>
    notion.call('users.list', (sdk) => sdk.users.list({ page_size: 1 }), options),
  );

  const pageSearch = await refusedWith403(() =>
    notion.call(
      'search',
      (sdk) => sdk.search({ page_size: 1, filter: { property: 'object', value: 'page' } }),
      options,
    ),
  );
  let readContent = !pageSearch.refused;
  let samplePageId: string | undefined;
  let sharedSomething = false;
  if (!pageSearch.refused) {
    const first = pageSearch.value.results[0];
    if (first !== undefined) {
      samplePageId = first.id;
      sharedSomething = true;
    } else {
      const anySearch = await refusedWith403(() =>
        notion.call('search', (sdk) => sdk.search({ page_size: 1 }), options),
      );
      readContent = !anySearch.refused;
      sharedSomething = !anySearch.refused && anySearch.value.results.length > 0;
    }
  }

  let readComments: boolean | undefined;
  if (samplePageId !== undefined) {
    const pageId = samplePageId;
    try {
      const comments = await refusedWith403(() =>
        notion.call('comments.list', (sdk) => sdk.comments.list({ block_id: pageId, page_size: 1 }), options),
      );
      readComments = !comments.refused;
    } catch (error) {
      // A page that vanished between search and this call tells nothing about the capability.
      if (!isNotionApiError(error, 'object_not_found')) throw error;
    }
  }

  const capabilities: Capabilities = {
    bot,
    readUsers: !users.refused,
    readContent,
    sharedSomething,
    readComments,
  };
  logger.debug('probed the token', {
    readUsers: capabilities.readUsers,
    readContent,
    sharedSomething,
    readComments,
    workspace: bot.workspaceName,
  });
  return capabilities;
}
