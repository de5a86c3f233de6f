import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';

describe('error envelopes', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      rpm: null,
      tokens: [
        { token: 'full' },
        { token: 'no-users', readUsers: false },
        { token: 'no-comments', readComments: false },
      ],
    });
  });
  afterAll(() => emu.close());

  const expectError = (r: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ object: 'error', status, code });
    expect(typeof r.json.message).toBe('string');
    expect(r.json.request_id).toBe(r.headers.get('x-notion-request-id'));
  };

  it('401 for a missing or unknown token', async () => {
    expectError(await call(emu, '/v1/users/me', { token: null }), 401, 'unauthorized');
    expectError(await call(emu, '/v1/users/me', { token: 'nope' }), 401, 'unauthorized');
  });

  it('400 missing_version, and validation_error for an unserved version', async () => {
    expectError(await call(emu, '/v1/users/me', { version: null }), 400, 'missing_version');
    expectError(await call(emu, '/v1/users/me', { version: '2022-06-28' }), 400, 'validation_error');
  });

  it('400 invalid_request_url for unknown routes and methods', async () => {
    expectError(await call(emu, '/v1/nope'), 400, 'invalid_request_url');
    expectError(await call(emu, '/v1/users', { method: 'POST', body: {} }), 400, 'invalid_request_url');
    expectError(
      await call(emu, `/v1/pages/${emu.workspace.pages[0]?.id}`, { method: 'PATCH', body: {} }),
      400,
      'invalid_request_url',
    );
  });

  it('400 invalid_json and validation_error for bad bodies and params', async () => {
    expectError(await call(emu, '/v1/search', { method: 'POST', rawBody: '{nope' }), 400, 'invalid_json');
    expectError(
      await call(emu, '/v1/search', { body: { filter: { property: 'object', value: 'database' } } }),
      400,
      'validation_error',
    );
    expectError(await call(emu, '/v1/search', { body: { page_size: 101 } }), 400, 'validation_error');
    expectError(await call(emu, '/v1/users?page_size=0'), 400, 'validation_error');
    expectError(await call(emu, '/v1/pages/not-a-uuid'), 400, 'validation_error');
    expectError(await call(emu, '/v1/comments'), 400, 'validation_error');
  });

  it('404 object_not_found for unknown ids', async () => {
    const r = await call(emu, '/v1/pages/00000000-0000-4000-8000-000000000000');
    expectError(r, 404, 'object_not_found');
    expect(r.json.message).toMatch(/shared with your integration/);
  });

  it('403 restricted_resource without the user or comment capability', async () => {
    const pageId = emu.workspace.pages[0]?.id;
    expectError(await call(emu, '/v1/users', { token: 'no-users' }), 403, 'restricted_resource');
    expectError(
      await call(emu, `/v1/users/${emu.workspace.users[0]?.id}`, { token: 'no-users' }),
      403,
      'restricted_resource',
    );
    expect((await call(emu, '/v1/users/me', { token: 'no-users' })).status).toBe(200);
    expect((await call(emu, `/v1/comments?block_id=${pageId}`, { token: 'no-users' })).status).toBe(200);
    expectError(
      await call(emu, `/v1/comments?block_id=${pageId}`, { token: 'no-comments' }),
      403,
      'restricted_resource',
    );
    expect((await call(emu, '/v1/users', { token: 'no-comments' })).status).toBe(200);
  });

  it('answers success bodies with request_id and the header, and accepts undashed ids', async () => {
    const page = emu.workspace.pages[0];
    const r = await call(emu, `/v1/pages/${page?.id.replace(/-/g, '')}`);
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(page?.id);
    expect(r.json.request_id).toBe(r.headers.get('x-notion-request-id'));
    expect(r.headers.get('retry-after')).toBeNull();
  });

  it('/v1/users/me is the integration bot', async () => {
    const r = await call(emu, '/v1/users/me');
    expect(r.json).toMatchObject({
      object: 'user',
      type: 'bot',
      bot: { owner: { type: 'workspace', workspace: true } },
    });
  });
});
