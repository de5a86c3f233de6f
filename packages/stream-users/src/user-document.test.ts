import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalizeBotOwner, userDocument, userResponseSchema, usersDocumentSchema } from './user-document.js';

describe('normalizeBotOwner', () => {
  it('moves owner[owner.type] to owner.info', () => {
    expect(normalizeBotOwner({ type: 'workspace', workspace: true })).toEqual({
      type: 'workspace',
      info: true,
    });
    const user = { object: 'user', id: 'u1', type: 'person', person: { email: 'a@example.com' } };
    expect(normalizeBotOwner({ type: 'user', user })).toEqual({ type: 'user', info: user });
  });

  it('keeps other members', () => {
    expect(normalizeBotOwner({ type: 'workspace', workspace: true, extra: 1 })).toEqual({
      type: 'workspace',
      extra: 1,
      info: true,
    });
  });

  it('leaves every other shape exactly as it came', () => {
    for (const owner of [
      { type: 'workspace', workspace: false },
      { type: 'workspace' },
      { workspace: true },
      { type: '', '': true },
      { type: 3, 3: true },
      null,
      'workspace',
      [1, 2],
    ]) {
      expect(normalizeBotOwner(owner)).toBe(owner);
    }
  });
});

describe('userDocument', () => {
  it('normalizes bot.owner and keeps unknown fields', () => {
    const raw = {
      object: 'user',
      id: 'b1',
      type: 'bot',
      name: 'Bot',
      avatar_url: null,
      bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'W', workspace_limits: { x: 1 } },
      future_field: 'kept',
    };
    const doc = userDocument(userResponseSchema.parse(raw));
    expect(doc).toEqual({
      ...raw,
      bot: { owner: { type: 'workspace', info: true }, workspace_name: 'W', workspace_limits: { x: 1 } },
    });
    expect(raw.bot.owner).toEqual({ type: 'workspace', workspace: true });
  });

  it('leaves people and bots without an owner unchanged', () => {
    const person = {
      object: 'user',
      id: 'p1',
      type: 'person',
      name: 'P',
      person: { email: 'p@example.com' },
    };
    expect(userDocument(userResponseSchema.parse(person))).toEqual(person);
    const bot = { object: 'user', id: 'b2', type: 'bot', bot: {} };
    expect(userDocument(userResponseSchema.parse(bot))).toEqual(bot);
  });

  it('keeps a person whose name is null or missing (Notion-Version 2026-12-01)', () => {
    const unnamed = { object: 'user', id: 'p2', type: 'person', name: null, avatar_url: null, person: {} };
    expect(userDocument(userResponseSchema.parse(unnamed))).toEqual(unnamed);
    const nameless = { object: 'user', id: 'p3', type: 'person', person: { email: 'p3@example.com' } };
    expect(userDocument(userResponseSchema.parse(nameless))).toEqual(nameless);
    const validate = z.fromJSONSchema(usersDocumentSchema);
    expect(validate.safeParse(userDocument(userResponseSchema.parse(unnamed))).success).toBe(true);
    expect(validate.safeParse(userDocument(userResponseSchema.parse(nameless))).success).toBe(true);
    expect(userResponseSchema.safeParse({ ...unnamed, name: 7 }).success).toBe(false);
  });
});

describe('usersDocumentSchema', () => {
  const validate = z.fromJSONSchema(usersDocumentSchema);
  it('is a draft 2020-12 schema keyed by a required string id', () => {
    expect(usersDocumentSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(usersDocumentSchema.required).toEqual(['id']);
  });
  it('admits users and deletions, and rejects documents without an id', () => {
    expect(validate.safeParse({ object: 'user', id: 'u', type: 'person', person: {} }).success).toBe(true);
    expect(validate.safeParse({ id: 'u', _meta: { op: 'd' } }).success).toBe(true);
    expect(validate.safeParse({ object: 'user', name: 'x' }).success).toBe(false);
    expect(validate.safeParse({ id: 'u', _meta: { op: 'u' } }).success).toBe(false);
  });
});
