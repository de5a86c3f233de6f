// The built bundle with webhooks on, driven as the runtime does: the listener answers Notion's
// verification request and signed events from inside the single-file bundle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signWebhookBody } from '@source-notion/core';
import { type Emulator, startTestEmulator } from '@source-notion/notion-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorLog, spawnConnector } from './connector-process.js';
import { runPreview } from './preview/preview.js';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const VERIFICATION = 'secret_bundleVerification0123456789abcdef';
let workDir: string;
let bundle: string;
let emulator: Emulator;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'source-notion-webhooks-'));
  bundle = join(workDir, 'source-notion.mjs');
  execFileSync(process.execPath, [join(appDir, 'scripts', 'build.mjs'), '--outfile', bundle], {
    stdio: 'pipe',
  });
  emulator = await startTestEmulator({ workspace: { seed: 7, size: 'tiny' } });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function post(port: number, body: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function open(port: number, webhooks: Record<string, unknown>) {
  const logs: ConnectorLog[] = [];
  const responses: Array<Record<string, unknown>> = [];
  const run = spawnConnector({
    command: { command: process.execPath, args: [bundle] },
    env: { PATH: process.env.PATH ?? '', NOTION_API_BASE_URL: emulator.url, LOG_LEVEL: 'info' },
    onLog: (log) => logs.push(log),
    onResponse: (response) => responses.push(response),
  });
  run.send({
    open: {
      capture: {
        name: 'acmeCo/notion',
        config: {
          credentials: { auth_type: 'token', token: emulator.token },
          advanced: { requests_per_minute: 10_000 },
          webhooks: { enabled: true, port, ...webhooks },
        },
        intervalSeconds: 3600,
        bindings: [
          {
            resourceConfig: { stream: 'pages', syncMode: 'incremental' },
            resourcePath: ['pages'],
            stateKey: 'pages',
          },
        ],
      },
      state: {},
    },
  });
  return { run, logs, responses };
}

describe('the bundle with webhooks on', () => {
  it('logs the verification token once, refuses events until it is configured, then accepts signed ones', async () => {
    const port = await freePort();
    const first = open(port, {});
    await until(
      () => first.logs.some((log) => log.msg.startsWith('listening for Notion webhooks')),
      'the listener',
    );
    expect(await post(port, JSON.stringify({ verification_token: VERIFICATION }))).toBe(200);
    const body = JSON.stringify({
      id: 'evt-bundle-1',
      timestamp: new Date().toISOString(),
      type: 'page.content_updated',
      entity: { id: emulator.groundTruth().pages[0]!.id, type: 'page' },
      data: {},
    });
    const signature = await signWebhookBody(body, VERIFICATION);
    expect(await post(port, body, { 'x-notion-signature': signature })).toBe(409);
    first.run.end();
    expect((await first.run.done).code).toBe(0);
    const shown = first.logs.filter((log) => JSON.stringify(log).includes(VERIFICATION));
    expect(shown).toHaveLength(1);
    expect(shown[0]?.fields.eventType).toBe('connectorStatus');
    expect(JSON.stringify(first.logs)).not.toContain(emulator.token);

    const second = open(port, { verification_token: VERIFICATION });
    await until(
      () => second.logs.some((log) => log.msg.startsWith('listening for Notion webhooks')),
      'the listener',
    );
    expect(await post(port, body)).toBe(401);
    expect(await post(port, body, { 'x-notion-signature': signature })).toBe(200);
    // The refresh was in a checkpoint before the 200.
    const pending = second.responses.find((r) => JSON.stringify(r).includes('webhooksV1'));
    expect(pending).toBeDefined();
    second.run.end();
    const exit = await second.run.done;
    expect(exit.code).toBe(0);
    expect(exit.protocolErrors).toEqual([]);
    expect(JSON.stringify(second.logs)).not.toContain(VERIFICATION);
  }, 60_000);

  it('preview with listen: stays open after the sweeps, and keeps what events name until interrupted', async () => {
    const port = await freePort();
    const output = mkdtempSync(join(workDir, 'preview-'));
    const logs: ConnectorLog[] = [];
    const stop = new AbortController();
    let swept = false;
    const preview = runPreview({
      connector: { command: process.execPath, args: [bundle] },
      config: {
        credentials: { auth_type: 'token', token: emulator.token },
        advanced: { requests_per_minute: 10_000 },
        webhooks: { enabled: true, port, verification_token: VERIFICATION },
      },
      statePath: join(output, 'state.json'),
      outputDir: output,
      sessions: 1,
      env: { PATH: process.env.PATH ?? '', NOTION_API_BASE_URL: emulator.url },
      signal: stop.signal,
      listen: true,
      onLog: (log) => logs.push(log),
      onUpdate: (stats) => {
        swept = stats.streams.length > 0 && stats.streams.every((stream) => stream.swept);
      },
    });
    await until(() => swept, 'every binding to sweep once');
    const page = emulator.groundTruth().pages.find((p) => !p.in_trash)!.id;
    const commentId = emulator.workspace.addComment(page);
    const body = JSON.stringify({
      id: 'evt-preview-1',
      timestamp: new Date().toISOString(),
      type: 'comment.created',
      entity: { id: commentId, type: 'comment' },
      data: { page_id: page },
    });
    expect(await post(port, body, { 'x-notion-signature': await signWebhookBody(body, VERIFICATION) })).toBe(
      200,
    );
    await until(() => logs.some((log) => log.msg.startsWith('refreshed what')), 'the refresh');
    stop.abort();
    const result = await preview;
    expect(result.interrupted).toBe(true);
    expect(readFileSync(result.files.comments!, 'utf8')).toContain(commentId);
    expect(logs.some((log) => log.msg.startsWith('listening for Notion webhooks'))).toBe(true);
  }, 60_000);
});
