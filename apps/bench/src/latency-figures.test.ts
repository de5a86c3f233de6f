import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestEmulator } from '@source-notion/notion-emulator';
import { describe, expect, it } from 'vitest';
import { type EmulatorHost, handleCommand } from './emulator-commands.js';
import { type LatencyMode, type LatencySample, latencyByKind, quantile, spread } from './latency-figures.js';
import { latencyTable } from './report.js';
import { evaluateTargets, type WorkloadResult } from './results.js';
import { openRequest } from './run-contender.js';

describe('latency figures', () => {
  it('takes nearest-rank quantiles', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(sorted, 0.5)).toBe(5);
    expect(quantile(sorted, 0.95)).toBe(10);
    expect(quantile([], 0.5)).toBeNull();
    expect(spread([3, 1, 2])).toEqual({ count: 3, medianSeconds: 2, p95Seconds: 3, maxSeconds: 3 });
  });

  it('measures from the mutation and from the delivery, and counts what never came', () => {
    const samples: LatencySample[] = [
      { kind: 'pageEdit', id: 'a', at: 0, deliveredAt: 30_000, seenAt: 32_000 },
      { kind: 'pageEdit', id: 'b', at: 1_000, deliveredAt: 31_000, seenAt: 35_000 },
      { kind: 'newComment', id: 'c', at: 0, deliveredAt: 30_000, seenAt: null },
      // Seen before its event arrived (a sweep found it): 0 from delivery, never negative.
      { kind: 'trashedPage', id: 'd', at: 0, deliveredAt: 30_000, seenAt: 20_000 },
    ];
    const byKind = latencyByKind(samples);
    expect(byKind.pageEdit).toMatchObject({
      samples: 2,
      unseen: 0,
      fromMutation: { medianSeconds: 32, p95Seconds: 34 },
      fromDelivery: { medianSeconds: 2, p95Seconds: 4 },
    });
    expect(byKind.newComment).toMatchObject({
      samples: 1,
      unseen: 1,
      fromMutation: { count: 0, medianSeconds: null },
    });
    expect(byKind.trashedPage.fromDelivery.medianSeconds).toBe(0);
  });

  it('makes a target of each kind: every change seen, the median from delivery at most 5 s', () => {
    const mode = (webhooks: boolean, median: number): LatencyMode => ({
      webhooks,
      timeScale: 10,
      pollingIntervalSeconds: 300,
      maxWaitSeconds: 600,
      ok: true,
      requests: 100,
      byKind: latencyByKind(
        (['pageEdit', 'newComment', 'trashedPage'] as const).map((kind) => ({
          kind,
          id: kind,
          at: 0,
          deliveredAt: webhooks ? 30_000 : null,
          seenAt: 30_000 + median * 1000,
        })),
      ),
    });
    const workload: WorkloadResult & { kind: 'latency' } = {
      name: 'webhook-latency',
      kind: 'latency',
      description: '',
      requestsPerMinute: 180,
      timeScale: 10,
      workspace: { pages: 1, blocks: 1, users: 1, dataSources: 0, comments: 0 },
      minimum: {
        users: 0,
        dataSources: 0,
        databases: 0,
        pageListing: 0,
        pageRetrieves: 0,
        blockTrees: 0,
        childPageBlocks: 0,
        comments: 0,
        total: 0,
      },
      floorSeconds: null,
      runs: [],
      latency: [mode(true, 2), mode(false, 200)],
    };
    const targets = evaluateTargets([workload]);
    expect(targets).toHaveLength(6);
    expect(targets.every((t) => t.met)).toBe(true);
    const slow = evaluateTargets([{ ...workload, latency: [mode(true, 6)] }]);
    expect(slow.filter((t) => !t.met).map((t) => t.name)).toEqual([
      'webhook-latency: pageEdit median seconds from delivery to stdout',
      'webhook-latency: newComment median seconds from delivery to stdout',
      'webhook-latency: trashedPage median seconds from delivery to stdout',
    ]);
    const table = latencyTable([workload]);
    expect(table).toContain('webhooks (×10)');
    expect(table).toContain('polling, every 300 s');
    expect(table.split('\n')).toHaveLength(2 + 6);
  });
});

describe('webhooks in the bench', () => {
  it('turns the listener on in the open request', () => {
    const target = { url: 'http://127.0.0.1:1', token: 't', requestsPerMinute: 180, timeScale: 1 };
    const config = (request: Record<string, unknown>) =>
      (request.open as { capture: { config: Record<string, unknown> } }).capture.config;
    expect(config(openRequest(target, {})).webhooks).toBeUndefined();
    expect(
      config(openRequest(target, {}, { webhooks: { port: 9000, verificationToken: 'secret_x' } })).webhooks,
    ).toEqual({
      enabled: true,
      port: 9000,
      verification_token: 'secret_x',
    });
  });

  it('the emulator process applies a mutation and delivers its event to the subscription', async () => {
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        bodies.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const emulator = await startTestEmulator({ workspace: { seed: 2, size: 'tiny' }, timeScale: 1000 });
    try {
      const host: EmulatorHost = { emulator, options: {} };
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
      const subscribed = await handleCommand(host, {
        id: 1,
        cmd: 'subscribeWebhooks',
        options: { url, verificationToken: 'secret_bench', delayMs: 1_000 },
      });
      expect(subscribed).toEqual({ id: 1, verification: { status: 200 } });
      const page = emulator.groundTruth().pages[0]?.id ?? '';
      const applied = await handleCommand(host, { id: 2, cmd: 'apply', op: 'trashPage', args: [page] });
      expect(applied).toMatchObject({ id: 2, applied: { result: null, at: expect.any(Number) } });
      await emulator.webhooksIdle();
      const deliveries = await handleCommand(host, { id: 3, cmd: 'webhookDeliveries' });
      expect(deliveries).toMatchObject({
        id: 3,
        deliveries: [{ type: 'page.deleted', entityId: page, status: 'delivered' }],
      });
      expect(bodies.map((b) => JSON.parse(b) as Record<string, unknown>)[1]).toMatchObject({
        type: 'page.deleted',
      });
      await expect(handleCommand(host, { id: 4, cmd: 'apply', op: 'nope', args: [] })).rejects.toThrow(
        'unknown mutation nope',
      );
      expect(host.options.webhooks).toMatchObject({ url, verifyOnStart: false });
    } finally {
      await emulator.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
