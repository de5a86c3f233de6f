import {
  compactId,
  deletionDocument,
  expandId,
  IncompleteListError,
  isNotionApiError,
  isNotionId,
  iteratePages,
  missingCapabilityError,
  type NotionCapability,
  packIds,
  ResponseValidationError,
  type Stream,
  type StreamContext,
  type StreamEvent,
  unpackIds,
} from '@source-notion/core';
import { z } from 'zod';
import { userDocument, userResponseSchema, usersDocumentSchema } from './user-document.js';

const packedIds = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url')
  .refine((value) => Buffer.from(value, 'base64url').length % 16 === 0, 'a whole number of 16-byte ids');

/**
 * State of the users stream: the ids seen by the last complete sweep. `ids`: the dashed lowercase
 * UUIDs (what the API returns) sorted and packed with core's packIds (21.33 characters per user);
 * `other`: any other id, verbatim (never seen from the API; kept so no user is lost). Absent `ids`
 * means no sweep has completed yet.
 */
export const usersStateSchema = z.object({
  v: z.literal(1),
  ids: packedIds.optional(),
  other: z.array(z.string()).optional(),
});
export type UsersState = z.infer<typeof usersStateSchema>;

export interface UsersStreamOptions {
  /** Users per `GET /v1/users` request, 1 to 100. Default 100 (Notion's maximum). */
  pageSize?: number;
}

const OPERATION = 'list users';
/** What listing users needs: the stream's capability, named by its errors. */
const USERS_CAPABILITY: NotionCapability = 'Read user information';

/** True for an id that packIds stores exactly (unpackIds gives back the same string). */
function packsExactly(id: string): boolean {
  return isNotionId(id) && expandId(compactId(id)) === id;
}

async function* readUsers(
  ctx: StreamContext,
  state: UsersState,
  options: UsersStreamOptions,
): AsyncGenerator<StreamEvent<UsersState>> {
  const backfill = state.ids === undefined;
  const previous = new Set([...unpackIds(state.ids), ...(state.other ?? [])]);
  const seen = new Set<string>();
  const pages = iteratePages(ctx.notion, OPERATION, (sdk, args) => sdk.users.list(args), {
    signal: ctx.signal,
    pageSize: options.pageSize,
  });
  try {
    for await (const page of pages) {
      for (const raw of page.results) {
        const parsed = userResponseSchema.safeParse(raw);
        if (!parsed.success)
          throw ResponseValidationError.fromZodError(parsed.error, { operation: OPERATION });
        const user = parsed.data;
        // A listing restarted from the beginning (an expired cursor) lists users again: emit each once.
        if (seen.has(user.id)) continue;
        seen.add(user.id);
        yield { doc: userDocument(user) };
      }
      if (page.incomplete) {
        throw new IncompleteListError(
          `${OPERATION}: Notion said the listing is incomplete; not deleting anyone`,
        );
      }
      ctx.progress?.({ unit: 'users', done: seen.size, backfill });
    }
  } catch (error) {
    if (isNotionApiError(error, 'restricted_resource')) {
      throw missingCapabilityError(error, {
        capability: USERS_CAPABILITY,
        action: OPERATION,
        binding: 'users',
      });
    }
    throw error;
  }
  let deleted = 0;
  for (const id of previous) {
    if (seen.has(id)) continue;
    deleted += 1;
    yield { doc: deletionDocument(id) };
  }
  ctx.logger.debug('users sweep done', { users: seen.size, deleted });
  ctx.progress?.({ unit: 'users', done: seen.size, total: seen.size, backfill });
  const canonical = [...seen].filter(packsExactly).sort();
  const other = [...seen].filter((id) => !packsExactly(id)).sort();
  yield { checkpoint: { v: 1, ids: packIds(canonical), other: other.length > 0 ? other : null } };
}

/** A users stream with non-default options (page size). */
export function createUsersStream(options: UsersStreamOptions = {}): Stream<UsersState> {
  return {
    name: 'users',
    capability: USERS_CAPABILITY,
    key: ['/id'],
    documentSchema: usersDocumentSchema,
    syncModes: ['full_refresh', 'incremental'],
    stateSchema: usersStateSchema,
    initialState: () => ({ v: 1 }),
    read: (ctx, state) => readUsers(ctx, state, options),
  };
}

/**
 * Every user `GET /v1/users` lists, each sweep (Notion has no change cursor for users), with
 * `bot.owner` normalized; a user who disappears from the list is emitted as a deletion.
 * Always captured complete: `start_date` does not apply.
 */
export const usersStream: Stream<UsersState> = createUsersStream();
