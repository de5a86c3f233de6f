import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter windows', () => {
  it('lets a budget through in a burst, then 429s until the 60 s window ends', () => {
    const limiter = new RateLimiter({ rpm: 180, workspaceRpm: null, workspaceRetryAfterS: 430 });
    const t0 = 1_000_000;
    for (let i = 0; i < 180; i++) expect(limiter.check('a', t0 + i)).toBeUndefined();
    const first = limiter.check('a', t0 + 200);
    expect(first?.status).toBe(429);
    expect(first?.headers['retry-after']).toBe('60');
    expect(first?.additionalData).toEqual({
      rate_limit_reason: 'public_api_request_rate_limit',
      retry_after: 60,
    });
    expect(limiter.check('a', t0 + 59_500)?.headers['retry-after']).toBe('1');
    expect(limiter.check('b', t0 + 59_500)).toBeUndefined();
    expect(limiter.check('a', t0 + 60_000)).toBeUndefined();
  });

  it('blocks the whole workspace for workspaceRetryAfterS once its budget is spent', () => {
    const limiter = new RateLimiter({ rpm: null, workspaceRpm: 10, workspaceRetryAfterS: 430 });
    for (let i = 0; i < 10; i++) expect(limiter.check(i % 2 ? 'a' : 'b', i)).toBeUndefined();
    const blocked = limiter.check('a', 20);
    expect(blocked?.additionalData).toEqual({
      rate_limit_reason: 'public_api_space_request_rate_limit',
      retry_after: 430,
    });
    expect(limiter.check('c', 100_000)?.headers['retry-after']).toBe('331');
    expect(limiter.check('c', 430_020)).toBeUndefined();
  });
});

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions): Promise<Emulator> {
  emu = await startEmulator({ workspace: { seed: 1, size: 'tiny' }, ...options });
  return emu;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rate limits over HTTP (time-scaled)', () => {
  it('answers 429 with Retry-After in emulated seconds, and serves again after waiting it', async () => {
    const scale = 100;
    const e = await start({ rpm: 5, timeScale: scale, tokens: [{ token: 'a' }, { token: 'b' }] });
    // One burst, so that a loaded machine cannot stretch it past the (time-scaled) window.
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => call({ url: e.url, token: 'a' }, '/v1/users/me')),
    );
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const limited = await call({ url: e.url, token: 'a' }, '/v1/users/me');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json).toMatchObject({
      code: 'rate_limited',
      additional_data: { rate_limit_reason: 'public_api_request_rate_limit', retry_after: retryAfter },
    });
    expect((await call({ url: e.url, token: 'b' }, '/v1/users/me')).status).toBe(200);
    await sleep((retryAfter * 1000) / scale + 20);
    expect((await call({ url: e.url, token: 'a' }, '/v1/users/me')).status).toBe(200);
    expect(e.counters().rateLimited).toBe(1);
    expect(e.counters().byStatus).toEqual({ '200': 7, '429': 1 });
  });

  it('makes every token wait minutes once the workspace budget is spent', async () => {
    const scale = 100;
    const e = await start({
      rpm: null,
      workspaceRpm: 3,
      workspaceRetryAfterS: 60,
      timeScale: scale,
      tokens: [{ token: 'a' }, { token: 'b' }],
    });
    const burst = await Promise.all(
      [0, 1, 2].map((i) => call({ url: e.url, token: i % 2 ? 'a' : 'b' }, '/v1/users/me')),
    );
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    const blocked = await call({ url: e.url, token: 'a' }, '/v1/users/me');
    expect(blocked.json).toMatchObject({
      status: 429,
      additional_data: { rate_limit_reason: 'public_api_space_request_rate_limit', retry_after: 60 },
    });
    const other = await call({ url: e.url, token: 'b' }, '/v1/users/me');
    expect(other.status).toBe(429);
    expect(Number(other.headers.get('retry-after'))).toBeGreaterThan(30);
    await sleep(620);
    expect((await call({ url: e.url, token: 'b' }, '/v1/users/me')).status).toBe(200);
  });

  it('answers 429 beyond maxConcurrent requests in flight', async () => {
    const e = await start({ rpm: null, maxConcurrent: 3, latency: { medianMs: 100, p99Ms: 100 } });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => call(e, '/v1/users/me').then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });
});
