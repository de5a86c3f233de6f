import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, registerSecret, revealSecret } from './logger.js';
import { compactId } from './notion-ids.js';
import {
  readWebhookEvent,
  refreshTargetFromKey,
  refreshTargetKey,
  signWebhookBody,
  targetConcernsStream,
  verifyWebhookBody,
} from './webhooks.js';

const PAGE = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const event = (fields: Record<string, unknown>) =>
  JSON.stringify({
    id: 'evt-1',
    timestamp: '2026-01-02T03:04:05.000Z',
    type: 'page.created',
    entity: { id: PAGE, type: 'page' },
    data: {},
    ...fields,
  });

describe('webhook signatures', () => {
  it('verifies what it signs, and nothing else', async () => {
    const body = event({});
    const signature = await signWebhookBody(body, 'secret_verify_key_0123456789');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verifyWebhookBody(body, signature, 'secret_verify_key_0123456789')).toBe(true);
    expect(await verifyWebhookBody(Buffer.from(body), signature, 'secret_verify_key_0123456789')).toBe(true);
    expect(await verifyWebhookBody(`${body} `, signature, 'secret_verify_key_0123456789')).toBe(false);
    expect(await verifyWebhookBody(body, signature, 'secret_another_key_0123456789')).toBe(false);
    expect(await verifyWebhookBody(body, undefined, 'secret_verify_key_0123456789')).toBe(false);
  });
});

describe('readWebhookEvent', () => {
  it('names the page of page events, the page of comment events, the data source or database', () => {
    for (const type of [
      'page.created',
      'page.content_updated',
      'page.moved',
      'page.deleted',
      'page.undeleted',
    ]) {
      expect(readWebhookEvent(event({ type }))).toMatchObject({
        outcome: 'targets',
        targets: [{ kind: 'page', id: PAGE }],
      });
    }
    const comment = event({
      type: 'comment.deleted',
      entity: { id: PAGE, type: 'comment' },
      data: { page_id: PAGE },
    });
    expect(readWebhookEvent(comment)).toMatchObject({ targets: [{ kind: 'comments', id: PAGE }] });
    const onBlock = event({
      type: 'comment.created',
      entity: { id: PAGE, type: 'comment' },
      data: { parent: { id: PAGE, type: 'page' } },
    });
    expect(readWebhookEvent(onBlock)).toMatchObject({ targets: [{ kind: 'comments', id: PAGE }] });
    expect(
      readWebhookEvent(
        event({ type: 'data_source.schema_updated', entity: { id: PAGE, type: 'data_source' } }),
      ),
    ).toMatchObject({
      targets: [{ kind: 'data_source', id: PAGE }],
    });
    expect(
      readWebhookEvent(event({ type: 'database.moved', entity: { id: PAGE, type: 'database' } })),
    ).toMatchObject({
      targets: [{ kind: 'database', id: PAGE }],
    });
  });

  it('ignores types that change nothing captured and calls anything else malformed', () => {
    expect(readWebhookEvent(event({ type: 'file_upload.created' })).outcome).toBe('ignored');
    expect(readWebhookEvent(event({ type: 'view.updated' })).outcome).toBe('ignored');
    // Rows changed: their page events name them.
    expect(readWebhookEvent(event({ type: 'data_source.content_updated' })).outcome).toBe('ignored');
    expect(readWebhookEvent(event({ type: 'database.content_updated' })).outcome).toBe('ignored');
    for (const body of [
      '{',
      '[]',
      event({ type: 'page.vanished' }),
      event({ timestamp: 'yesterday' }),
      event({ entity: { id: 'x', type: 'page' } }),
      event({ entity: undefined }),
      event({ type: 'comment.created', data: {} }),
    ]) {
      expect(readWebhookEvent(body).outcome).toBe('malformed');
    }
  });
});

describe('refresh targets', () => {
  it('keys coalesce dashed and compact ids, and read back', () => {
    const key = refreshTargetKey({ kind: 'comments', id: PAGE });
    expect(key).toBe(refreshTargetKey({ kind: 'comments', id: PAGE.replaceAll('-', '') }));
    expect(key).toBe(`comments:${compactId(PAGE)}`);
    expect(refreshTargetFromKey(key)).toEqual({ kind: 'comments', id: PAGE });
    expect(refreshTargetFromKey('users:abc')).toBeUndefined();
    expect(refreshTargetFromKey('page')).toBeUndefined();
  });

  it('reach the streams they concern: page targets every page stream', () => {
    const page = { kind: 'page', id: PAGE } as const;
    expect(['pages', 'blocks', 'comments', 'page_markdown'].every((s) => targetConcernsStream(page, s))).toBe(
      true,
    );
    expect(['users', 'databases', 'data_sources'].some((s) => targetConcernsStream(page, s))).toBe(false);
    expect(targetConcernsStream({ kind: 'comments', id: PAGE }, 'blocks')).toBe(false);
    expect(targetConcernsStream({ kind: 'data_source', id: PAGE }, 'databases')).toBe(true);
    expect(targetConcernsStream({ kind: 'database', id: PAGE }, 'pages')).toBe(false);
  });
});

describe('revealSecret', () => {
  it('shows a registered secret once in a log line, and nowhere else', () => {
    const secret = 'secret_revealedOnce0123456789abcdef';
    registerSecret(secret);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => void lines.push(line) });
    logger.info(`paste it: ${secret}`, { verification_token: revealSecret(secret), other: secret });
    const line = JSON.parse(lines[0]!);
    expect(line.fields.verification_token).toBe(secret);
    expect(line.fields.other).toBe('[REDACTED]');
    expect(line.msg).toBe('paste it: [REDACTED]');
    expect(JSON.stringify({ a: revealSecret(secret) })).not.toContain(secret);
    expect(redactSecrets(String(revealSecret(secret)))).toBe('[REDACTED]');
  });
});
