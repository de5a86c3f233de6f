import { request } from 'node:http';
import type { RefreshTarget, WebhooksConfig } from '@source-notion/core';
import { createLogger, registerSecret, signWebhookBody } from '@source-notion/core';
import { createFakeClock } from '@source-notion/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookListener, WEBHOOK_REPLAY_WINDOW_MS, type WebhookListener } from './webhook-listener.js';

const NOTION_TOKEN = 'ntn_listener_test_token_not_real_0123456789';
const VERIFICATION = 'secret_listenerVerification0123456789abcdef';
const PAGE = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';

interface Reply {
  status: number;
  body: string;
}

function post(
  port: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function event(overrides: Record<string, unknown> = {}, at = Date.now()): string {
  return JSON.stringify({
    id: `evt-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date(at).toISOString(),
    workspace_id: '00000000-0000-4000-8000-000000000001',
    workspace_name: 'Acme',
    subscription_id: '00000000-0000-4000-8000-000000000002',
    integration_id: '00000000-0000-4000-8000-000000000003',
    type: 'page.content_updated',
    authors: [{ id: '00000000-0000-4000-8000-000000000004', type: 'person' }],
    attempt_number: 1,
    entity: { id: PAGE, type: 'page' },
    data: { parent: { id: '00000000-0000-4000-8000-000000000005', type: 'space' } },
    ...overrides,
  });
}

async function signed(body: string, token = VERIFICATION): Promise<Record<string, string>> {
  return { 'x-notion-signature': await signWebhookBody(body, token) };
}

const open: WebhookListener[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function setup(webhooks: Partial<WebhooksConfig> = {}) {
  registerSecret(NOTION_TOKEN);
  const clock = createFakeClock(Date.now());
  const lines: string[] = [];
  const accepted: RefreshTarget[][] = [];
  const listener = await startWebhookListener({
    config: { enabled: true, port: 0, max_body_bytes: 4096, verification_token: VERIFICATION, ...webhooks },
    clock,
    logger: createLogger({ level: 'debug', write: (line) => void lines.push(line) }),
    accept: async (targets) => {
      accepted.push([...targets]);
      return 'accepted';
    },
    host: '127.0.0.1',
  });
  open.push(listener);
  return { port: listener.port, lines, accepted, clock };
}

/** No line may hold the Notion token, nor the verification token outside its one status line. */
function expectNoSecrets(lines: string[], revealed = 0) {
  expect(lines.join('').includes(NOTION_TOKEN)).toBe(false);
  expect(lines.filter((line) => line.includes(VERIFICATION))).toHaveLength(revealed);
}

describe('webhook listener', () => {
  it('logs the verification token once, in a connectorStatus line, and redacts it afterwards', async () => {
    const { port, lines } = await setup({ verification_token: undefined });
    const body = JSON.stringify({ verification_token: VERIFICATION });
    expect((await post(port, body)).status).toBe(200);
    expect((await post(port, body, {}, '/webhooks')).status).toBe(200);
    const status = lines
      .map((line) => JSON.parse(line))
      .filter((l) => l.fields?.eventType === 'connectorStatus');
    expect(status).toHaveLength(1);
    expect(status[0].fields.verification_token).toBe(VERIFICATION);
    expect(status[0].msg).toMatch(/webhooks\.verification_token/);
    // Before the token is configured, events are refused (409), and the token never shows again.
    const refused = await post(port, event(), await signed(event()));
    expect(refused.status).toBe(409);
    expectNoSecrets(lines, 1);
  });

  it('accepts a signed event on / and /webhooks, and refuses other methods and paths', async () => {
    const { port, accepted } = await setup();
    const body = event();
    expect((await post(port, body, await signed(body))).status).toBe(200);
    const other = event({
      type: 'comment.created',
      entity: { id: PAGE, type: 'comment' },
      data: { page_id: PAGE },
    });
    expect((await post(port, other, await signed(other), '/webhooks')).status).toBe(200);
    expect(accepted).toEqual([[{ kind: 'page', id: PAGE }], [{ kind: 'comments', id: PAGE }]]);
    expect((await post(port, body, await signed(body), '/elsewhere')).status).toBe(404);
  });

  it('refuses unsigned, badly signed, oversized, malformed and stale requests, logging no secret', async () => {
    const { port, accepted, lines } = await setup();
    const body = event();
    // Unsigned (and not a verification request), and signed with another key or a mangled digest.
    expect((await post(port, body)).status).toBe(401);
    expect((await post(port, body, await signed(body, 'secret_anotherKey0123456789abcdefgh'))).status).toBe(
      401,
    );
    expect((await post(port, body, { 'x-notion-signature': 'sha256=zz' })).status).toBe(401);
    const tampered = body.replace('content_updated', 'properties_updated');
    expect((await post(port, tampered, await signed(body))).status).toBe(401);
    // Oversized: by its declared length, and streamed without one.
    const big = event({ data: { filler: 'x'.repeat(5000) } });
    expect((await post(port, big, await signed(big))).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(chunked).toBe(413);
    // Malformed: not JSON, not an event, an unknown type, a comment naming no page.
    for (const bad of [
      'not json',
      JSON.stringify({ hello: 'world' }),
      event({ type: 'page.exploded' }),
      event({ type: 'comment.created', data: {} }),
      event({ entity: { id: 'not-an-id', type: 'page' } }),
    ]) {
      expect((await post(port, bad, await signed(bad))).status).toBe(400);
    }
    // Stale: a timestamp older than the replay window, or far ahead of the clock.
    const old = event({}, Date.now() - WEBHOOK_REPLAY_WINDOW_MS - 60_000);
    expect((await post(port, old, await signed(old))).status).toBe(400);
    const ahead = event({}, Date.now() + 60 * 60_000);
    expect((await post(port, ahead, await signed(ahead))).status).toBe(400);
    expect(accepted).toEqual([]);
    const warnings = lines.map((line) => JSON.parse(line)).filter((l) => l.level === 'warn');
    expect(warnings.length).toBeGreaterThanOrEqual(8);
    expect(lines.join('')).not.toContain('x'.repeat(100));
    expectNoSecrets(lines);
  });

  it('acknowledges a replayed event id without queueing it again', async () => {
    const { port, accepted } = await setup();
    const body = event();
    for (let i = 0; i < 3; i++) expect((await post(port, body, await signed(body))).status).toBe(200);
    expect(accepted).toHaveLength(1);
  });

  it('acknowledges known types that change nothing captured without queueing them', async () => {
    const { port, accepted } = await setup();
    const body = event({ type: 'file_upload.completed', entity: { id: PAGE, type: 'file_upload' } });
    expect((await post(port, body, await signed(body))).status).toBe(200);
    expect(accepted).toEqual([]);
  });

  it('logs a flood of refusals a few times a minute, then counts them', async () => {
    const { port, lines, clock } = await setup();
    for (let i = 0; i < 30; i++) expect((await post(port, event())).status).toBe(401);
    expect(lines.filter((line) => line.includes('X-Notion-Signature'))).toHaveLength(5);
    await clock.advance(61_000);
    expect((await post(port, event())).status).toBe(401);
    expect(lines.some((line) => line.includes('25 more request(s) refused'))).toBe(true);
  });
});
