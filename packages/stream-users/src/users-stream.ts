import {
  IncompleteListError,
  isNotionApiError,
  iteratePages,
  NotionApiError,
  ResponseValidationError,
  type Stream,
  type StreamContext,
  type StreamEvent,
} from '@source-notion/core';
import { z } from 'zod';
import { decodeIdSet, encodeIdSet } from './id-set.js';
import { userDocument, userResponseSchema, usersDocumentSchema } from './user-schema.js';

const packedIds = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url')
  .refine((value) => Buffer.from(value, 'base64url').length % 16 === 0, 'a whole number of 16-byte ids');

/**
 * State of the users stream: the ids seen by the last complete sweep, packed (see id-set.ts:
 * ~21.4 characters per user). Absent `ids` means no sweep has completed yet.
 */
export const usersStateSchema = z.object({
  v: z.literal(1),
  ids: packedIds.optional(),
  other: z.array(z.string()).optional(),
});
export type UsersState = z.infer<typeof usersStateSchema>;

const OPERATION = 'list users';

/** The error for a token without the "Read user information" capability. */
function missingCapability(error: NotionApiError): NotionApiError {
  return new NotionApiError({
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    operation: error.operation,
    additionalData: error.additionalData,
    isRetryable: false,
    detail:
      'the integration lacks the "Read user information" capability, so it cannot list users. ' +
      'Enable "Read user information including email addresses" (or "without email addresses") under ' +
      'Capabilities at notion.so/profile/integrations, or disable the users binding',
    cause: error,
  });
}

async function* readUsers(ctx: StreamContext, state: UsersState): AsyncGenerator<StreamEvent<UsersState>> {
  const backfill = state.ids === undefined;
  const previous = decodeIdSet(state.ids === undefined ? undefined : { ids: state.ids, other: state.other });
  const seen = new Set<string>();
  const pages = iteratePages(ctx.notion, OPERATION, (sdk, args) => sdk.users.list(args), {
    signal: ctx.signal,
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
    if (isNotionApiError(error, 'restricted_resource')) throw missingCapability(error);
    throw error;
  }
  let deleted = 0;
  for (const id of previous) {
    if (seen.has(id)) continue;
    deleted += 1;
    yield { doc: { id, _meta: { op: 'd' } } };
  }
  ctx.logger.debug('users sweep done', { users: seen.size, deleted });
  ctx.progress?.({ unit: 'users', done: seen.size, total: seen.size, backfill });
  const packed = encodeIdSet(seen);
  yield { checkpoint: { v: 1, ids: packed.ids, other: packed.other ?? null } };
}

/**
 * Every user `GET /v1/users` lists, each sweep (Notion has no change cursor for users), with
 * `bot.owner` normalized; a user who disappears from the list is emitted as a deletion.
 * Always captured complete: `start_date` does not apply.
 */
export const usersStream: Stream<UsersState> = {
  name: 'users',
  key: ['/id'],
  documentSchema: usersDocumentSchema,
  syncModes: ['full_refresh', 'incremental'],
  stateSchema: usersStateSchema,
  initialState: () => ({ v: 1 }),
  read: readUsers,
};
