import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@notionhq/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorOptions } from '../emulator.js';
import { startTestEmulator } from '../test-emulator.js';
import type { WebhookOptions } from './webhook-options.js';

/** One POST the receiver got. */
interface Received {
  body: string;
  json: Record<string, unknown>;
  signature: string | undefined;
}

/** A webhook receiver on 127.0.0.1: records every POST and answers `answer(n)` (n counts from 1). */
async function startReceiver(answer: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-notion-signature'];
      received.push({
        body,
        json: JSON.parse(body) as Record<string, unknown>,
        signature: typeof signature === 'string' ? signature : undefined,
      });
      res.statusCode = answer(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return {
    url,
    received,
    events: () => received.filter((r) => !('verification_token' in r.json)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let emulator: Emulator | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await emulator?.close();
  await receiver?.close();
  emulator = undefined;
  receiver = undefined;
});

const TOKEN = 'secret_emulatorwebhooktestverificationtoken00';

/** An emulator on the tiny workspace whose emulated time runs ×1000 (a minute in 60 real ms). */
async function start(
  webhooks: Partial<WebhookOptions> = {},
  options: EmulatorOptions = {},
  answer?: (n: number) => number,
): Promise<{ e: Emulator; r: Receiver }> {
  receiver = await startReceiver(answer);
  emulator = await startTestEmulator({
    workspace: { seed: 3, size: 'tiny' },
    timeScale: 1000,
    ...options,
    webhooks: {
      url: receiver.url,
      verificationToken: TOKEN,
      delayMs: 2_000,
      aggregateMs: 1_000,
      ...webhooks,
    },
  });
  await emulator.webhooksIdle();
  return { e: emulator, r: receiver };
}

function standalonePage(e: Emulator) {
  const page = e.groundTruth().pages.find((p) => p.parent.type === 'page_id' && !p.in_trash);
  if (!page) throw new Error('no standalone child page');
  return page;
}

function blocksOf(e: Emulator, pageId: string) {
  return e.groundTruth().blocks.filter((b) => b.page_id === pageId && b.type === 'paragraph');
}

describe('webhooks', () => {
  it('sends the verification request unsigned, then signed events the SDK verifies', async () => {
    const { e, r } = await start();
    expect(r.received[0]?.json).toEqual({ verification_token: TOKEN });
    expect(r.received[0]?.signature).toBeUndefined();

    const row = e.groundTruth().pages.find((p) => p.parent.type === 'data_source_id');
    e.workspace.editPage(row?.id ?? '');
    await e.webhooksIdle();
    const [event] = r.events();
    expect(event).toBeDefined();
    if (!event) return;
    expect(
      await verifyWebhookSignature({
        body: event.body,
        signature: event.signature,
        verificationToken: TOKEN,
      }),
    ).toBe(true);
    const tampered = event.body.replace('page.properties_updated', 'page.content_updated');
    expect(
      await verifyWebhookSignature({ body: tampered, signature: event.signature, verificationToken: TOKEN }),
    ).toBe(false);
    expect(
      await verifyWebhookSignature({
        body: event.body,
        signature: event.signature,
        verificationToken: `${TOKEN}x`,
      }),
    ).toBe(false);
    const parent = row?.parent.type === 'data_source_id' ? row.parent : undefined;
    expect(event.json).toMatchObject({
      type: 'page.properties_updated',
      attempt_number: 1,
      entity: { id: row?.id, type: 'page' },
      data: { parent: { id: parent?.database_id, type: 'database', data_source_id: parent?.data_source_id } },
    });
    expect(event.json.workspace_id).toEqual(expect.any(String));
    expect(event.json.subscription_id).toEqual(expect.any(String));
    expect(Date.parse(event.json.timestamp as string)).toBeGreaterThan(0);
    expect((event.json.authors as unknown[]).length).toBe(1);
    expect(
      ((event.json.data as { updated_properties: string[] }).updated_properties ?? []).length,
    ).toBeGreaterThan(1);
    const [delivery] = e.webhookDeliveries();
    expect(delivery).toMatchObject({
      eventId: event.json.id,
      type: 'page.properties_updated',
      entityId: row?.id,
      status: 'delivered',
      attempts: 1,
    });
    // Delivered after the delay, on the emulated clock.
    expect((delivery?.deliveredAt ?? 0) - (delivery?.occurredAt ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it('aggregates content changes to one page within the window into one event', async () => {
    const { e, r } = await start({ aggregateMs: 60_000 });
    const page = standalonePage(e);
    const [a, b] = blocksOf(e, page.id);
    const other = e.groundTruth().pages.find((p) => p.id !== page.id && blocksOf(e, p.id).length > 0);
    e.workspace.editBlock(a?.id ?? '');
    e.workspace.editBlock(b?.id ?? '');
    e.workspace.editBlock(blocksOf(e, other?.id ?? '')[0]?.id ?? '');
    await e.webhooksIdle();
    const events = r
      .events()
      .map((x) => x.json as { entity: { id: string }; data: { updated_blocks: { id: string }[] } });
    expect(events).toHaveLength(2);
    const merged = events.find((x) => x.entity.id === page.id);
    expect(merged?.data.updated_blocks.map((x) => x.id).sort()).toEqual([a?.id, b?.id].sort());
    expect(e.webhookDeliveries().find((d) => d.entityId === page.id)?.changes).toBe(2);

    // Once sent, a later change is a new event.
    e.workspace.editBlock(a?.id ?? '');
    await e.webhooksIdle();
    expect(r.events()).toHaveLength(3);
  });

  it('sends each delivered event twice at duplicateRate 1 (same id, same body)', async () => {
    const { e, r } = await start({ duplicateRate: 1 });
    e.workspace.trashPage(standalonePage(e).id);
    await e.webhooksIdle();
    const events = r.events();
    expect(events).toHaveLength(2);
    expect(events[0]?.body).toBe(events[1]?.body);
    expect(events[0]?.json.type).toBe('page.deleted');
    expect(e.webhookDeliveries()[0]).toMatchObject({ attempts: 1, duplicates: 1, status: 'delivered' });
  });

  it('delivers out of order when reordering', async () => {
    // A delay long enough (60 ms real) that both events are queued before the first is due.
    const { e, r } = await start({ reorder: 1, aggregateMs: 0, delayMs: 60_000 });
    const pages = e.groundTruth().pages.filter((p) => !p.in_trash);
    e.workspace.trashPage(pages[0]?.id ?? '');
    e.workspace.trashPage(pages[1]?.id ?? '');
    await e.webhooksIdle();
    expect(r.events().map((x) => (x.json.entity as { id: string }).id)).toEqual([pages[1]?.id, pages[0]?.id]);

    const { e: inOrder, r: inOrderReceiver } = await restart({ reorder: false, aggregateMs: 0 });
    inOrder.workspace.trashPage(pages[0]?.id ?? '');
    inOrder.workspace.trashPage(pages[1]?.id ?? '');
    await inOrder.webhooksIdle();
    expect(inOrderReceiver.events().map((x) => (x.json.entity as { id: string }).id)).toEqual([
      pages[0]?.id,
      pages[1]?.id,
    ]);
  });

  it('retries non-2xx answers with backoff, attempt_number counting, and gives up after maxAttempts', async () => {
    // Answers: verification 200, then 500, 503, 200.
    const statuses = [200, 500, 503, 200];
    const { e, r } = await start({ retryBaseMs: 30_000 }, {}, (n) => statuses[n - 1] ?? 200);
    e.workspace.trashPage(standalonePage(e).id);
    await e.webhooksIdle();
    expect(r.events().map((x) => x.json.attempt_number)).toEqual([1, 2, 3]);
    expect(new Set(r.events().map((x) => x.json.id)).size).toBe(1);
    for (const event of r.events())
      expect(
        await verifyWebhookSignature({
          body: event.body,
          signature: event.signature,
          verificationToken: TOKEN,
        }),
      ).toBe(true);
    const [delivery] = e.webhookDeliveries();
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    // 2,000 delay + 30,000 + 60,000 of backoff.
    expect((delivery?.deliveredAt ?? 0) - (delivery?.occurredAt ?? 0)).toBeGreaterThanOrEqual(92_000);

    const { e: failing, r: failingReceiver } = await restart({ maxAttempts: 2, retryBaseMs: 1_000 }, (n) =>
      n === 1 ? 200 : 500,
    );
    failing.workspace.trashPage(standalonePage(failing).id);
    await failing.webhooksIdle();
    expect(failingReceiver.events()).toHaveLength(2);
    expect(failing.webhookDeliveries()[0]).toMatchObject({ status: 'failed', attempts: 2, lastStatus: 500 });
  });

  it('sends events only for what the integration sees, and only the types subscribed', async () => {
    const { e, r } = await start({}, { tokens: [{ token: 'no-comments', readComments: false }] });
    const page = standalonePage(e);
    e.workspace.addComment(page.id);
    e.workspace.unsharePage(page.id);
    e.workspace.editPage(page.id);
    e.workspace.sharePage(page.id);
    e.workspace.editPage(page.id);
    await e.webhooksIdle();
    expect(r.events().map((x) => [x.json.type, (x.json.entity as { id: string }).id])).toEqual([
      ['page.properties_updated', page.id],
    ]);

    const { e: filtered, r: filteredReceiver } = await restart({
      events: ['comment.created', 'page.undeleted'],
    });
    const commentId = filtered.workspace.addComment(page.id);
    filtered.workspace.trashPage(page.id);
    filtered.workspace.restorePage(page.id);
    await filtered.webhooksIdle();
    expect(filteredReceiver.events().map((x) => x.json.type)).toEqual(['comment.created', 'page.undeleted']);
    expect(filteredReceiver.events()[0]?.json).toMatchObject({
      entity: { id: commentId, type: 'comment' },
      data: { page_id: page.id, parent: { id: page.id, type: 'page' } },
    });
  });

  it('names the events of new pages, moved blocks, resolved comments and purges', async () => {
    const { e, r } = await start({ aggregateMs: 0 });
    const page = standalonePage(e);
    const child = e.workspace.addPage(page.id);
    const commentId = e.workspace.addComment(page.id);
    e.workspace.resolveComment(commentId);
    const [block] = blocksOf(e, page.id);
    e.workspace.moveBlock(block?.id ?? '', child);
    e.workspace.purgePage(child);
    await e.webhooksIdle();
    const seen = r.events().map((x) => `${x.json.type} ${(x.json.entity as { id: string }).id}`);
    expect(seen.sort()).toEqual(
      [
        `page.created ${child}`,
        `page.content_updated ${page.id}`, // the child_page block
        `comment.created ${commentId}`,
        `comment.updated ${commentId}`,
        `page.content_updated ${page.id}`, // the block moved out
        `page.content_updated ${child}`, // and in
        `page.deleted ${child}`,
      ].sort(),
    );
  });

  it('subscribes later through subscribeWebhooks and the admin API', async () => {
    receiver = await startReceiver();
    emulator = await startTestEmulator({ workspace: { seed: 3, size: 'tiny' }, timeScale: 1000 });
    emulator.workspace.trashPage(standalonePage(emulator).id);
    expect(emulator.webhookDeliveries()).toEqual([]);
    const verification = await emulator.subscribeWebhooks({ url: receiver.url, delayMs: 1_000 });
    expect(verification.status).toBe(200);
    expect(verification.verificationToken).toMatch(/^secret_[A-Za-z0-9]{43}$/);
    expect(receiver.received[0]?.json).toEqual({ verification_token: verification.verificationToken });

    const response = await fetch(`${emulator.url}/__emulator/mutations`, {
      method: 'POST',
      body: JSON.stringify({ op: 'editPage', args: [standalonePage(emulator).id] }),
    });
    expect(response.status).toBe(200);
    await emulator.webhooksIdle();
    const admin = (await (await fetch(`${emulator.url}/__emulator/webhooks`)).json()) as {
      subscription: { url: string };
      deliveries: { type: string; status: string }[];
    };
    expect(admin.subscription.url).toBe(receiver.url);
    expect(admin.deliveries).toMatchObject([{ type: 'page.properties_updated', status: 'delivered' }]);
    expect(receiver.events()).toHaveLength(1);
  });

  it('sends nothing more once unsubscribed, and a new subscription starts afresh', async () => {
    receiver = await startReceiver();
    emulator = await startTestEmulator({ workspace: { seed: 3, size: 'tiny' }, timeScale: 1000 });
    await emulator.subscribeWebhooks({ url: receiver.url, delayMs: 1_000 });
    const page = standalonePage(emulator).id;
    emulator.workspace.editPage(page);
    await emulator.webhooksIdle();
    expect(receiver.events()).toHaveLength(1);

    emulator.workspace.editPage(page); // queued, then dropped with the subscription
    emulator.unsubscribeWebhooks();
    expect(emulator.webhookSubscription()).toBeUndefined();
    expect(emulator.webhookDeliveries()).toEqual([]);
    emulator.workspace.trashPage(page);
    await new Promise((resolve) => setTimeout(resolve, 50)); // 50 emulated s: past the delay
    expect(receiver.events()).toHaveLength(1);

    await emulator.subscribeWebhooks({ url: receiver.url, delayMs: 1_000 });
    emulator.workspace.restorePage(page);
    await emulator.webhooksIdle();
    expect(emulator.webhookDeliveries().map((d) => d.type)).toEqual(['page.undeleted']);
  });
});

/** Closes the running emulator and receiver and starts fresh ones (same workspace). */
async function restart(webhooks: Partial<WebhookOptions>, answer?: (n: number) => number) {
  await emulator?.close();
  await receiver?.close();
  return start(webhooks, {}, answer);
}
