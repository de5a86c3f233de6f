import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { parseWebhookFlag, resolveWebhookOptions, WEBHOOK_EVENT_TYPES } from './webhook-options.js';

const defaults = () => ({ seed: 4, random: createRandom(4).next });

describe('webhook options', () => {
  it('defaults to Notion-like delivery and a generated verification token', () => {
    const resolved = resolveWebhookOptions({ url: 'http://127.0.0.1:8080/' }, defaults());
    expect(resolved).toMatchObject({
      delayMs: 30_000,
      aggregateMs: 30_000,
      duplicateRate: 0,
      reorderRate: 0,
      seed: 4,
      maxAttempts: 8,
      retryBaseMs: 60_000,
      verifyOnStart: true,
    });
    expect(resolved.verificationToken).toMatch(/^secret_[A-Za-z0-9]{43}$/);
    expect(resolveWebhookOptions({ url: 'http://127.0.0.1:8080/' }, defaults()).verificationToken).toBe(
      resolved.verificationToken,
    );
    expect([...resolved.events]).toEqual([...WEBHOOK_EVENT_TYPES]);
    expect(resolveWebhookOptions({ url: 'http://x/', reorder: true }, defaults()).reorderRate).toBe(0.5);
  });

  it('rejects what cannot be delivered', () => {
    expect(() => resolveWebhookOptions({ url: 'ftp://x/' }, defaults())).toThrow('http(s) URL');
    expect(() => resolveWebhookOptions({ url: 'not a url' }, defaults())).toThrow('http(s) URL');
    expect(() => resolveWebhookOptions({ url: 'http://x/', duplicateRate: 2 }, defaults())).toThrow('0..1');
    expect(() => resolveWebhookOptions({ url: 'http://x/', maxAttempts: 0 }, defaults())).toThrow(
      'maxAttempts',
    );
    expect(() => resolveWebhookOptions({ url: 'http://x/', delayMs: -1 }, defaults())).toThrow('delayMs');
    expect(() =>
      resolveWebhookOptions({ url: 'http://x/', events: ['page.exploded' as 'page.created'] }, defaults()),
    ).toThrow('unknown types page.exploded');
  });

  it('reads the CLI flag', () => {
    expect(
      parseWebhookFlag(
        'http://127.0.0.1:8080/,delayMs=2000,reorder=0.2,duplicateRate=0.1,verificationToken=secret_a,events=page.created+comment.created',
      ),
    ).toEqual({
      url: 'http://127.0.0.1:8080/',
      delayMs: 2000,
      reorder: 0.2,
      duplicateRate: 0.1,
      verificationToken: 'secret_a',
      events: ['page.created', 'comment.created'],
    });
    expect(parseWebhookFlag('http://h/,reorder=true')).toEqual({ url: 'http://h/', reorder: true });
    expect(() => parseWebhookFlag('http://h/,delayMs=soon')).toThrow('delayMs must be a number');
    expect(() => parseWebhookFlag('http://h/,colour=blue')).toThrow('unknown key "colour"');
  });
});
