// API responses that break the expected shape: unknown fields and a block type no one has seen
// are captured as they come; a response the connector cannot use ends the session with a clear
// error naming the request id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCanary } from './canary.js';
import { collectionDocs, newCollections, reduceInto } from './collections.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { startRewriteProxy } from './rewrite-proxy.js';
import { runSession } from './run-session.js';
import type { Doc } from './streams.js';
import { type Suite, startSuite } from './suite.js';

const SEED = 79;
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: SEED, timeScale: 100 });
}, 60_000);

afterAll(() => suite?.close());

const env = (url: string) => connectorEnv(url, { SOURCE_NOTION_TIME_SCALE: '100' });

describe('unexpected API shapes', () => {
  it('unknown fields and an unknown block type are captured as-is', { timeout: 45_000 }, async () => {
    const proxy = await startRewriteProxy(suite.emulator.url, {
      match: (method, path) => method === 'GET' && /^\/v1\/blocks\/[^/]+\/children/.test(path),
      transform: (body) => {
        const results = (body.results as Doc[]).map((block, index) => {
          const extra: Doc = { ...block, future_field: { added: 'by a newer API' } };
          if (index !== 0 || block.has_children === true) return extra;
          const { [String(block.type)]: _payload, ...rest } = extra;
          return { ...rest, type: 'hologram', hologram: { depth: 3, rich_text: [] } };
        });
        return { ...body, results };
      },
    });
    let session: Awaited<ReturnType<typeof runSession>>;
    try {
      session = await runSession({
        bundle: suite.bundle,
        env: env(proxy.url),
        open: openRequest({ config: endpointConfig(suite.canary), state: {}, streams: ['blocks'] }),
      });
    } finally {
      await proxy.close();
    }
    expect(proxy.rewritten().length).toBeGreaterThan(0);
    expect(session.exit.code).toBe(0);
    const collections = newCollections();
    reduceInto(collections, session.committed, ['blocks']);
    const blocks = collectionDocs(collections).blocks;
    expect(blocks.length).toBeGreaterThan(0);
    expect(
      blocks.every(
        (block) => (block.future_field as { added?: string } | undefined)?.added === 'by a newer API',
      ),
    ).toBe(true);
    const holograms = blocks.filter((block) => block.type === 'hologram');
    expect(holograms.length).toBeGreaterThan(0);
    expect(holograms[0]?.hologram).toEqual({ depth: 3, rich_text: [] });
    expect(findCanary(suite.canary, ...session.transcript, session.state)).toEqual([]);
  });

  it('a listing that is not a list ends the session with a clear error naming the request id', {
    timeout: 45_000,
  }, async () => {
    const proxy = await startRewriteProxy(suite.emulator.url, {
      match: (method, path) => method === 'GET' && path.startsWith('/v1/users'),
      transform: (body) => ({ ...body, results: 'not a list', has_more: 'maybe' }),
    });
    let session: Awaited<ReturnType<typeof runSession>>;
    try {
      session = await runSession({
        bundle: suite.bundle,
        env: env(proxy.url),
        open: openRequest({ config: endpointConfig(suite.canary), state: {}, streams: ['users'] }),
      });
    } finally {
      await proxy.close();
    }
    const [requestId] = proxy.rewritten();
    expect(requestId).toBeTruthy();
    expect(session.exit.code).toBe(1);
    expect(session.exit.endedInsideTransaction).toBe(false);
    expect(session.exit.lastLog?.level).toBe('error');
    expect(session.exit.lastLog?.msg).toContain(String(requestId));
    expect(session.exit.lastLog?.msg).toMatch(/users/);
    expect(findCanary(suite.canary, ...session.transcript)).toEqual([]);
  });
});
