import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../emulator.js';
import { call } from '../test-support.js';
import { FAULT_KINDS, FaultPlan, parseFaults } from './faults.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startEmulator({ rpm: null, workspace: { seed: 1, size: 'tiny' }, ...options });
  return emu;
}

describe('faults', () => {
  it.each([
    ['429', 429, 'rate_limited'],
    ['529', 529, 'service_overload'],
    ['500', 500, 'internal_server_error'],
    ['502json', 502, 'bad_gateway'],
    ['503', 503, 'service_unavailable'],
    ['504', 504, 'gateway_timeout'],
  ] as const)('%s answers a JSON error envelope', async (kind, status, code) => {
    const e = await start({ faults: { retryAfterS: 3 } });
    e.injectFault(kind, { route: 'users.list' });
    expect((await call(e, '/v1/users/me')).status).toBe(200);
    const r = await call(e, '/v1/users');
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ object: 'error', status, code });
    if (status === 429 || status === 529) expect(r.headers.get('retry-after')).toBe('3');
    expect((await call(e, '/v1/users')).status).toBe(200);
    expect(e.counters().faults).toEqual({ [kind]: 1 });
  });

  it('502html answers a Cloudflare HTML page', async () => {
    const e = await start();
    e.injectFault('502html');
    const r = await call(e, '/v1/users/me');
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('502 Bad Gateway');
  });

  it('reset drops the connection without a response', async () => {
    const e = await start();
    e.injectFault('reset');
    await expect(
      fetch(`${e.url}/v1/users/me`, {
        headers: { authorization: `Bearer ${e.token}`, 'notion-version': '2025-09-03' },
      }),
    ).rejects.toThrow();
    expect((await call(e, '/v1/users/me')).status).toBe(200);
    expect(e.requests().find((r) => r.fault === 'reset')?.status).toBe(0);
  });

  it('truncated sends half the body and closes the socket', async () => {
    const e = await start();
    e.injectFault('truncated', { route: 'search' });
    const response = await fetch(`${e.url}/v1/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.token}`, 'notion-version': '2025-09-03' },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('slow answers after the client has given up (emulated slowMs)', async () => {
    const e = await start({ timeScale: 100, faults: { slowMs: 90_000 } });
    e.injectFault('slow');
    const started = performance.now();
    await expect(
      fetch(`${e.url}/v1/users/me`, {
        headers: { authorization: `Bearer ${e.token}`, 'notion-version': '2025-09-03' },
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(800);
    expect((await call(e, '/v1/users/me')).status).toBe(200);
  });

  it('rates are seeded: the same seed gives the same faults, another seed others', async () => {
    const statuses = async (seed: number) => {
      const e = await startEmulator({ rpm: null, seed, faults: { rates: { '500': 0.3, '503': 0.2 } } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call(e, '/v1/users/me')).status);
      await e.close();
      return out;
    };
    const a = await statuses(5);
    expect(a).toEqual(await statuses(5));
    expect(a).not.toEqual(await statuses(6));
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(8);
  });

  it('schedules faults by request ordinal, globally or per route', async () => {
    const e = await start({
      faults: {
        schedule: [
          { kind: '503', at: [2, 4] },
          { kind: '500', at: 1, route: 'search' },
        ],
      },
    });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push((await call(e, '/v1/users/me')).status);
    expect(seen).toEqual([200, 503, 200, 503, 200]);
    expect((await call(e, '/v1/search', { body: {} })).status).toBe(500);
    expect((await call(e, '/v1/search', { body: {} })).status).toBe(200);
  });

  it('validates fault options and parses the CLI syntax', () => {
    expect(() => new FaultPlan({ rates: { nope: 0.1 } as never }, 1)).toThrow(/unknown fault/);
    expect(() => new FaultPlan({ rates: { '500': 2 } }, 1)).toThrow(/\[0, 1\]/);
    expect(parseFaults('500=0.01,502html=0.5,searchOmitRate=0.02,searchCursorTtlResults=11000')).toEqual({
      rates: { '500': 0.01, '502html': 0.5 },
      searchOmitRate: 0.02,
      searchCursorTtlResults: 11000,
    });
    expect(() => parseFaults('boom=1')).toThrow(/unknown fault/);
    expect(FAULT_KINDS).toHaveLength(10);
  });
});

describe('failObject', () => {
  it('makes every request naming one object answer the given error, until cleared', async () => {
    const e = await startEmulator({ rpm: null, workspace: { seed: 8, size: 'tiny' } });
    try {
      const [tasks, notes] = [e.workspace.dataSources[1]?.id, e.workspace.dataSources[2]?.id];
      e.failObject(tasks?.replace(/-/g, '') ?? '', { status: 403, code: 'restricted_resource' });
      const failed = await call(e, `/v1/data_sources/${tasks}/query`, { body: {} });
      expect(failed.status).toBe(403);
      expect(failed.json).toMatchObject({ object: 'error', code: 'restricted_resource' });
      expect((await call(e, `/v1/data_sources/${tasks}`)).status).toBe(403);
      expect((await call(e, `/v1/data_sources/${notes}/query`, { body: {} })).status).toBe(200);
      e.clearObjectFailure(tasks ?? '');
      expect((await call(e, `/v1/data_sources/${tasks}/query`, { body: {} })).status).toBe(200);
      expect(() => e.failObject('nope', { status: 400, code: 'validation_error' })).toThrow(
        /not an object id/,
      );
    } finally {
      await e.close();
    }
  });
});

describe('POST /__emulator/object-failures', () => {
  it('fails and clears one object over the admin API', async () => {
    const e = await startEmulator({ rpm: null, workspace: { seed: 8, size: 'tiny' } });
    try {
      const ds = e.workspace.dataSources[0]?.id;
      const admin = (body: unknown) =>
        fetch(`${e.url}/__emulator/object-failures`, { method: 'POST', body: JSON.stringify(body) });
      expect((await admin({ id: ds, status: 400, code: 'validation_error', message: 'bad' })).status).toBe(
        200,
      );
      const failed = await call(e, `/v1/data_sources/${ds}/query`, { body: {} });
      expect(failed.status).toBe(400);
      expect(failed.json).toMatchObject({ code: 'validation_error', message: 'bad' });
      expect((await admin({ id: ds, status: 0 })).status).toBe(200);
      expect((await call(e, `/v1/data_sources/${ds}/query`, { body: {} })).status).toBe(200);
      expect((await admin({ status: 400 })).status).toBe(400);
    } finally {
      await e.close();
    }
  });
});
