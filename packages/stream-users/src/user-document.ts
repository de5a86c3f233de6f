import {
  collectionJsonSchema,
  deletionDocumentSchema,
  type JsonSchema,
  type StreamDocument,
} from '@source-notion/core';
import { z } from 'zod';

/** A user as `GET /v1/users` returns it (unknown fields kept). */
export const userResponseSchema = z.looseObject({
  object: z.literal('user'),
  id: z.string().min(1),
  type: z.string().optional(),
  name: z.string().nullable().optional(),
  avatar_url: z.string().nullable().optional(),
  person: z.looseObject({ email: z.string().optional() }).optional(),
  bot: z
    .looseObject({
      owner: z.looseObject({ type: z.string().optional() }).optional(),
      workspace_name: z.string().nullable().optional(),
    })
    .optional(),
});
export type UserResponse = z.infer<typeof userResponseSchema>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalizes a bot owner the way the existing Estuary/Airbyte connector does: when `owner.type` is
 * set and `owner[owner.type]` is truthy, that value moves to `owner.info` and the `owner[owner.type]`
 * key is removed (`{type:'workspace', workspace:true}` becomes `{type:'workspace', info:true}`).
 * Every other shape is returned unchanged (the same object).
 */
export function normalizeBotOwner(owner: unknown): unknown {
  if (!isObject(owner)) return owner;
  const type = owner.type;
  if (typeof type !== 'string' || type === '' || !owner[type]) return owner;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(owner)) {
    if (key !== type) result[key] = value;
  }
  result.info = owner[type];
  return result;
}

/** The document for one user: the API object with `bot.owner` normalized; nothing else changes. */
export function userDocument(user: UserResponse): StreamDocument {
  const bot = user.bot;
  if (!isObject(bot) || !Object.hasOwn(bot, 'owner')) return { ...user };
  return { ...user, bot: { ...bot, owner: normalizeBotOwner(bot.owner) } };
}

/** A user document: the API's user with `bot.owner` normalized (see normalizeBotOwner). */
export const userDocumentZodSchema = userResponseSchema
  .extend({
    bot: z
      .looseObject({
        owner: z
          .looseObject({
            type: z.string().optional(),
            info: z
              .unknown()
              .optional()
              .describe(
                "The value that was under owner[owner.type] (e.g. the owning user, or true for 'workspace')",
              ),
          })
          .optional(),
        workspace_name: z.string().nullable().optional(),
      })
      .optional(),
  })
  .meta({ title: 'Notion user' });

/** A user who no longer appears in `GET /v1/users`. */
export const userDeletionZodSchema = deletionDocumentSchema('Deleted user');

/** Every document the users stream emits. */
export const usersDocumentZodSchema = z.union([userDocumentZodSchema, userDeletionZodSchema]);

/** The published JSON schema (draft 2020-12): a user, or a deletion `{id, _meta:{op:'d'}}`. */
export const usersDocumentSchema: JsonSchema = collectionJsonSchema(usersDocumentZodSchema, {
  title: 'Notion users',
  idDescription: 'The user id (a UUID).',
});
