// Drives the BUILT bundle (dist-like, built once into a temporary directory) through stdin and
// stdout exactly as the Flow runtime does, against the Notion emulator on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMergePatch, isDeletionDocument, redactSecrets } from '@source-notion/core';
import type { Emulator } from '@source-notion/notion-emulator';
import { startEmulator } from '@source-notion/notion-emulator';
import { dataSourceDocument } from '@source-notion/stream-data-sources';
import { pageMarkdownDocument } from '@source-notion/stream-page-markdown';
import { pageDocument } from '@source-notion/stream-pages';
import { userDocument } from '@source-notion/stream-users';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorCommand, ConnectorExit, ConnectorLog } from './connector-process.js';
import { callConnector, spawnConnector } from './connector-process.js';
import { createCollectionStore } from './preview/collection-store.js';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const RESTRICTED_TOKEN = 'ntn_test_restricted_capabilities';
const STREAMS = [
  'users',
  'databases',
  'data_sources',
  'pages',
  'blocks',
  'comments',
  'page_markdown',
] as const;

let workDir: string;
let bundle: string;
let emulator: Emulator;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'source-notion-protocol-'));
  bundle = join(workDir, 'build', 'source-notion.mjs');
  execFileSync(process.execPath, [join(appDir, 'scripts', 'build.mjs'), '--outfile', bundle], {
    stdio: 'pipe',
  });
  emulator = await startEmulator({
    workspace: { seed: 11, size: 'tiny' },
    rpm: null,
    tokens: [
      { token: 'ntn_test_full_capabilities' },
      { token: RESTRICTED_TOKEN, readUsers: false, readComments: false },
    ],
  });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

const command = (path = bundle): ConnectorCommand => ({ command: process.execPath, args: [path] });

function env(url: string): NodeJS.ProcessEnv {
  // Only what the runtime would pass: nothing inherited from the test process.
  return { PATH: process.env.PATH ?? '', NOTION_API_BASE_URL: url, LOG_LEVEL: 'info' };
}

function endpointConfig(token: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  // The emulator runs without a rate limit here: let the connector's limiter go as fast.
  return {
    credentials: { auth_type: 'token', token },
    start_date: '2000-01-01T00:00:00Z',
    advanced: { requests_per_minute: 10_000 },
    ...extra,
  };
}

function expectOnlyProtocolOnStdout(exit: ConnectorExit): void {
  expect(exit.protocolErrors).toEqual([]);
  expect(exit.endedInsideTransaction).toBe(false);
}

async function discover(
  token: string,
): Promise<{ bindings: Array<Record<string, unknown>>; logs: ConnectorLog[] }> {
  const logs: ConnectorLog[] = [];
  const response = await callConnector(
    command(),
    { discover: { connectorType: 'IMAGE', config: endpointConfig(token) } },
    { env: env(emulator.url), onLog: (log) => logs.push(log) },
  );
  return { bindings: (response.discovered as { bindings: Array<Record<string, unknown>> }).bindings, logs };
}

/** One open session over all six streams; ends it (stdin EOF) once every binding swept once. */
async function session(
  state: Record<string, unknown>,
  options: { bundlePath?: string; cwd?: string; endAfterCaptured?: number; url?: string } = {},
) {
  const swept = new Set<number>();
  const logs: ConnectorLog[] = [];
  let captured = 0;
  const run = spawnConnector({
    command: command(options.bundlePath),
    env: env(options.url ?? emulator.url),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    onLog: (log) => {
      logs.push(log);
      if (typeof log.fields.sweepCompleted === 'number' && typeof log.fields.binding === 'number') {
        swept.add(log.fields.binding);
        if (swept.size === STREAMS.length) run.end();
      }
    },
    onResponse: (response) => {
      if ('captured' in response) {
        captured += 1;
        if (options.endAfterCaptured !== undefined && captured === options.endAfterCaptured) run.end();
      }
    },
  });
  run.send({
    open: {
      capture: {
        name: 'acmeCo/notion',
        connectorType: 'IMAGE',
        config: endpointConfig('ntn_test_full_capabilities'),
        intervalSeconds: 300,
        bindings: STREAMS.map((stream) => ({
          resourceConfig: { stream, syncMode: 'incremental' },
          resourcePath: [stream],
          collection: { name: `acmeCo/${stream}`, key: ['/id'] },
          backfill: 0,
          stateKey: stream,
        })),
      },
      version: 'test',
      range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
      state,
    },
  });
  // A session that does not finish its sweeps fails the test instead of hanging it.
  const guard = setTimeout(() => {
    console.error(
      `session guard: swept ${[...swept].join(',')}; last logs:\n${logs
        .slice(-15)
        .map((l) => JSON.stringify(l))
        .join('\n')}`,
    );
    run.end();
  }, 45_000);
  const exit = await run.done;
  clearTimeout(guard);
  // What the runtime keeps: documents up to the last checkpoint, and the merged state.
  let merged = state;
  const docs: Record<string, unknown>[][] = STREAMS.map(() => []);
  let pending: Array<{ binding: number; doc: Record<string, unknown> }> = [];
  for (const response of exit.responses) {
    if ('captured' in response)
      pending.push(response.captured as { binding: number; doc: Record<string, unknown> });
    if ('checkpoint' in response) {
      const checkpoint = response.checkpoint as { state: { updated: unknown; mergePatch: boolean } };
      expect(checkpoint.state.mergePatch).toBe(true);
      merged = applyMergePatch(merged, checkpoint.state.updated);
      for (const { binding, doc } of pending) docs[binding]?.push(doc);
      pending = [];
    }
  }
  return { exit, state: merged, docs, swept };
}

type Collections = Record<(typeof STREAMS)[number], ReturnType<typeof createCollectionStore>>;

function newCollections(): Collections {
  return Object.fromEntries(STREAMS.map((s) => [s, createCollectionStore(['/id'])])) as Collections;
}

function reduceInto(collections: Collections, docs: Record<string, unknown>[][]): void {
  STREAMS.forEach((stream, index) => {
    for (const doc of docs[index] ?? []) collections[stream].apply(doc);
  });
}

/**
 * Notion file objects carry signed URLs that change on every read (`expiry_time` an hour out):
 * compare them without their signature and expiry.
 */
function withoutSignatures(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(
      /X-Amz-Date=\d+T\d+Z(&amp;|&)X-Amz-Expires=3600(&amp;|&)X-Amz-Signature=[0-9a-f]+/g,
      '(signed)',
    );
  if (Array.isArray(value)) return value.map(withoutSignatures);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.url === 'string' && typeof record.expiry_time === 'string') {
    return { url: record.url.split('?')[0], expiry_time: '(signed)' };
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, withoutSignatures(item)]));
}

const idOf = (doc: object) => String((doc as { id?: unknown }).id);
const byId = (docs: ReadonlyArray<object>) =>
  [...docs].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0)).map(withoutSignatures);

/** The ground truth as documents: the documented transforms of each stream. */
function expectedCollections(): Record<(typeof STREAMS)[number], unknown[]> {
  const truth = emulator.groundTruth();
  return {
    users: byId(truth.users.map((user) => userDocument(user as never))),
    databases: byId(truth.databases),
    data_sources: byId(truth.data_sources.map((source) => dataSourceDocument(source as never))),
    pages: byId(truth.pages.map((page) => pageDocument(page as never))),
    blocks: byId(truth.blocks),
    comments: byId(truth.comments),
    page_markdown: byId(
      truth.page_markdown.map((md) =>
        pageMarkdownDocument(truth.pages.find((page) => page.id === md.id) as never, {
          markdown: md.markdown,
          unreadableBlockIds: md.unknown_block_ids,
        }),
      ),
    ),
  };
}

function expectEqualToGroundTruth(collections: Collections): void {
  const expected = expectedCollections();
  for (const stream of STREAMS) {
    expect(byId(collections[stream].documents()), stream).toEqual(expected[stream]);
  }
}

describe('spec', () => {
  it('answers protocol 3032023 with the config, resource and OAuth schemas (snapshot)', async () => {
    const run = spawnConnector({ command: command(), env: env('http://127.0.0.1:9') });
    run.send({ spec: { connectorType: 'IMAGE', config: {} } });
    run.end();
    const exit = await run.done;
    expect(exit.code).toBe(0);
    expectOnlyProtocolOnStdout(exit);
    expect(exit.responses).toHaveLength(1);
    const spec = exit.responses[0]?.spec as Record<string, unknown>;
    expect(spec.protocol).toBe(3032023);
    expect(spec.resourcePathPointers).toEqual(['/stream']);
    expect(JSON.stringify(spec.configSchema)).toContain('"x-oauth2-provider":"notion"');
    expect(exit.responses[0]).toMatchSnapshot();
  });
});

describe('discover', () => {
  it('proposes one binding per stream, keyed by /id, with deletions reduced as deletes (snapshot)', async () => {
    const { bindings } = await discover('ntn_test_full_capabilities');
    // The six fixed streams, then one binding per data source: its rows as typed columns.
    const dataSources = emulator.groundTruth().data_sources;
    expect(bindings.map((b) => b.recommendedName).slice(0, STREAMS.length)).toEqual([...STREAMS]);
    // The data sources the data source listing reaches (search, and their databases' siblings:
    // the emulator's search omits some, as Notion's does).
    const typed = bindings.slice(STREAMS.length);
    const streams = typed.map((b) => (b.resourceConfig as { stream: string }).stream);
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(dataSources.map((source) => `rows.${source.id}`)).toEqual(expect.arrayContaining(streams));
    expect(new Set(typed.map((b) => b.recommendedName)).size).toBe(typed.length);
    for (const binding of bindings) {
      expect(binding.key).toEqual(['/id']);
      expect(binding.disable).toBeUndefined();
      const schema = binding.documentSchema as Record<string, unknown>;
      expect(schema.if).toEqual({ properties: { _meta: { properties: { op: { const: 'd' } } } } });
      expect(schema.then).toEqual({ reduce: { strategy: 'merge', delete: true } });
    }
    expect(bindings.slice(0, STREAMS.length)).toMatchSnapshot();
    // A data source's typed rows: its readable name, its stream, the schema of its properties.
    expect(typed.find((b) => b.recommendedName === 'projects')).toMatchSnapshot();
  });

  it('proposes the bindings a token cannot read as disabled, saying why', async () => {
    const { bindings, logs } = await discover(RESTRICTED_TOKEN);
    const disabled = bindings.filter((b) => b.disable === true).map((b) => b.recommendedName);
    expect(disabled).toEqual(['users', 'comments']);
    const warnings = logs.filter((log) => log.level === 'warn').map((log) => log.msg);
    expect(warnings.some((msg) => /users binding disabled.*"Read user information"/.test(msg))).toBe(true);
    expect(warnings.some((msg) => /comments binding disabled.*"Read comments"/.test(msg))).toBe(true);
  });
});

describe('validate', () => {
  const bindings = (streams: readonly string[]) =>
    streams.map((stream) => ({
      resourceConfig: { stream, syncMode: 'incremental' },
      collection: { name: `acmeCo/${stream}`, key: ['/id'] },
    }));

  async function validate(
    config: Record<string, unknown>,
    streams: readonly string[] = STREAMS,
    url = emulator.url,
  ) {
    const run = spawnConnector({ command: command(), env: env(url) });
    run.send({
      validate: { name: 'acmeCo/notion', connectorType: 'IMAGE', config, bindings: bindings(streams) },
    });
    run.end();
    const exit = await run.done;
    expectOnlyProtocolOnStdout(exit);
    return exit;
  }

  it('answers one resource path per binding for a good config', async () => {
    const exit = await validate(endpointConfig('ntn_test_full_capabilities'));
    expect(exit.code).toBe(0);
    expect(exit.responses).toEqual([
      { validated: { bindings: STREAMS.map((s) => ({ resourcePath: [s] })) } },
    ]);
  });

  it.each([
    [
      'an invalid token',
      endpointConfig('ntn_not_a_token_the_emulator_knows'),
      STREAMS,
      /^Notion rejected the token \(401 unauthorized\).*credentials\.token/,
    ],
    [
      'a missing capability',
      endpointConfig(RESTRICTED_TOKEN),
      ['users', 'pages'],
      /binding 0 \(acmeCo\/users\): the Notion integration lacks the "Read user information" capability.*disable the users binding/,
    ],
    [
      'an invalid start date',
      endpointConfig('ntn_test_full_capabilities', { start_date: '2024-02-31' }),
      STREAMS,
      /config field start_date is not a valid date/,
    ],
    [
      'a start date in the future',
      endpointConfig('ntn_test_full_capabilities', { start_date: '2999-01-01T00:00:00Z' }),
      STREAMS,
      /config field start_date is in the future/,
    ],
    [
      'no credentials',
      { start_date: '2024-01-01T00:00:00Z' },
      STREAMS,
      /config field credentials\.token is missing/,
    ],
    [
      'an unknown stream',
      endpointConfig('ntn_test_full_capabilities'),
      ['pages', 'tasks'],
      /binding 1 \(acmeCo\/tasks\): resourceConfig\.stream "tasks" is not a Notion stream/,
    ],
  ] as const)('fails on %s with a message that says what to fix', async (_what, config, streams, message) => {
    const exit = await validate(config as Record<string, unknown>, streams);
    expect(exit.code).toBe(1);
    expect(exit.responses).toEqual([]);
    expect(exit.lastLog?.level).toBe('error');
    expect(exit.lastLog?.msg).toMatch(message);
    expect(exit.lastLog?.msg).not.toMatch(/\n\s+at /);
  });

  it('fails on a workspace that shared nothing with the integration', async () => {
    const empty = await startEmulator({ workspace: { seed: 5, size: 'tiny' }, rpm: null });
    try {
      for (const page of empty.workspace.pages) {
        if (page.shared) empty.workspace.unsharePage(page.id);
      }
      const exit = await validate(endpointConfig(empty.token), STREAMS, empty.url);
      expect(exit.code).toBe(1);
      expect(exit.lastLog?.msg).toMatch(/can see no pages or databases: share the pages to capture with it/);
    } finally {
      await empty.close();
    }
  });

  it('never shows the token in its output', async () => {
    const token = 'ntn_secret_value_that_must_not_leak_123456';
    const logs: ConnectorLog[] = [];
    const run = spawnConnector({
      command: command(),
      env: env(emulator.url),
      onLog: (log) => logs.push(log),
    });
    run.send({ validate: { config: endpointConfig(token), bindings: bindings(STREAMS) } });
    run.end();
    const exit = await run.done;
    expect(exit.code).toBe(1);
    expect(JSON.stringify(logs)).not.toContain(token);
    expect(JSON.stringify(exit.responses)).not.toContain(token);
    expect(redactSecrets(exit.lastLog?.msg ?? '')).toBe(exit.lastLog?.msg);
  });
});

describe('apply', () => {
  it('has nothing to do', async () => {
    const response = await callConnector(
      command(),
      { apply: { capture: { name: 'acmeCo/notion' }, version: 'v1' } },
      { env: env(emulator.url) },
    );
    expect(response).toEqual({ applied: { actionDescription: '' } });
  });
});

describe('open', () => {
  let firstState: Record<string, unknown>;
  let collections: Collections;

  it('captures everything: the merged output equals the ground truth', async () => {
    const { exit, state, docs, swept } = await session({});
    collections = newCollections();
    reduceInto(collections, docs);
    firstState = state;
    expect(exit.code, exit.lastLog?.msg).toBe(0);
    expectOnlyProtocolOnStdout(exit);
    expect(exit.responses[0]).toEqual({ opened: { explicitAcknowledgements: false } });
    expect(exit.responses.at(-1)).toHaveProperty('checkpoint');
    expect(swept.size).toBe(STREAMS.length);
    expect(Object.keys((state as { bindingStateV1: object }).bindingStateV1).sort()).toEqual(
      [...STREAMS].sort(),
    );
    collections = newCollections();
    reduceInto(collections, docs);
    expectEqualToGroundTruth(collections);
    firstState = state;
  });

  it('captures only what changed in a second session with the merged state', async () => {
    const ws = emulator.workspace;
    const pages = ws.pages.filter((p) => p.shared && !p.inTrash && !p.purged && ws.pageAccessible(p.idx));
    const [renamed, appended] = [pages[2]!, pages[9]!];
    // A property edit, not a rename: a new title would also change the text of every mention of
    // the page in other pages, which no incremental read can see (Notion does not mark them edited).
    ws.editPage(renamed.id);
    ws.addComment(renamed.id, { text: 'a new comment' });
    ws.appendBlocks(appended.id, 2);

    const { exit, state, docs } = await session(firstState);
    expect(exit.code, exit.lastLog?.msg).toBe(0);
    expectOnlyProtocolOnStdout(exit);
    const index = (stream: (typeof STREAMS)[number]) => STREAMS.indexOf(stream);
    const before = (stream: (typeof STREAMS)[number]) =>
      new Map(collections[stream].documents().map((doc) => [String(doc.id), withoutSignatures(doc)]));
    const changedDoc = (stream: (typeof STREAMS)[number], doc: Record<string, unknown>) =>
      isDeletionDocument(doc) ||
      JSON.stringify(withoutSignatures(doc)) !== JSON.stringify(before(stream).get(String(doc.id)));

    // Pages, databases, data sources, comments: every document is new, changed or a deletion.
    const pageIds = (docs[index('pages')] ?? []).map((doc) => String(doc.id)).sort();
    expect(pageIds).toEqual([renamed.id, appended.id].sort());
    for (const stream of ['databases', 'data_sources', 'pages', 'comments'] as const) {
      for (const doc of docs[index(stream)] ?? []) {
        expect(changedDoc(stream, doc), `${stream} ${String(doc.id)} captured again unchanged`).toBe(true);
      }
    }
    expect((docs[index('comments')] ?? []).some((doc) => doc.page_id === renamed.id)).toBe(true);
    // Blocks are re-read a page at a time: only pages that changed, or hold a changed block.
    const blocksByPage = new Map<string, Record<string, unknown>[]>();
    for (const doc of docs[index('blocks')] ?? []) {
      const page = String(doc.page_id ?? before('blocks').get(String(doc.id)) ?? 'deleted');
      blocksByPage.set(page, [...(blocksByPage.get(page) ?? []), doc]);
    }
    expect(blocksByPage.has(appended.id)).toBe(true);
    for (const [page, blocks] of blocksByPage) {
      const pageChanged = pageIds.includes(page) || blocks.some((doc) => changedDoc('blocks', doc));
      expect(pageChanged, `blocks of unchanged page ${page}`).toBe(true);
    }
    const total = (all: Record<string, unknown>[][]) => all.reduce((sum, list) => sum + list.length, 0);
    expect(total(docs)).toBeLessThan(collections.blocks.size / 4);
    reduceInto(collections, docs);
    expectEqualToGroundTruth(collections);
    expect(state).not.toEqual(firstState);
  });

  it('on stdin EOF mid-sweep, ends with a checkpoint and exit 0; the next session completes the capture', async () => {
    const slow = await startEmulator({
      workspace: { seed: 23, size: 'tiny' },
      tokens: [{ token: 'ntn_test_full_capabilities' }],
      rpm: null,
      latency: { medianMs: 30, p99Ms: 60 },
    });
    try {
      const first = await session({}, { url: slow.url, endAfterCaptured: 1 });
      expect(first.exit.code, first.exit.lastLog?.msg).toBe(0);
      expectOnlyProtocolOnStdout(first.exit);
      expect(first.exit.responses.at(-1)).toHaveProperty('checkpoint');
      expect(first.swept.size).toBeLessThan(STREAMS.length);
      const truth = slow.groundTruth();
      const capturedBlocks = first.docs[STREAMS.indexOf('blocks')]?.length ?? 0;
      expect(capturedBlocks).toBeLessThan(truth.blocks.length);

      const second = await session(first.state, { url: slow.url });
      expect(second.exit.code).toBe(0);
      const resumed = newCollections();
      reduceInto(resumed, first.docs);
      reduceInto(resumed, second.docs);
      expect(byId(resumed.blocks.documents())).toEqual(byId(truth.blocks));
      expect(byId(resumed.pages.documents())).toEqual(
        byId(truth.pages.map((page) => pageDocument(page as never))),
      );
    } finally {
      await slow.close();
    }
  });

  it('fails with a last log line naming the problem and the fix when the token is revoked', async () => {
    const run = spawnConnector({ command: command(), env: env(emulator.url) });
    run.send({
      open: {
        capture: {
          name: 'acmeCo/notion',
          config: endpointConfig('ntn_revoked_token_unknown_to_notion'),
          bindings: [{ resourceConfig: { stream: 'pages' }, resourcePath: ['pages'], stateKey: 'pages' }],
        },
        state: {},
      },
    });
    const exit = await run.done;
    run.end();
    expect(exit.code).toBe(1);
    expectOnlyProtocolOnStdout(exit);
    expect(exit.responses).toEqual([{ opened: { explicitAcknowledgements: false } }]);
    expect(exit.lastLog?.level).toBe('error');
    expect(exit.lastLog?.msg).toMatch(/^Notion rejected the token \(401 unauthorized\).*Fix:/);
  });
});

describe('the bundle alone', () => {
  it('runs spec and a capture from an empty directory with no node_modules', async () => {
    const lonely = mkdtempSync(join(tmpdir(), 'source-notion-alone-'));
    try {
      const copy = join(lonely, 'source-notion.mjs');
      copyFileSync(bundle, copy);
      const spec = await callConnector(command(copy), { spec: {} }, { env: env(emulator.url), cwd: lonely });
      expect((spec.spec as { protocol: number }).protocol).toBe(3032023);
      const { exit, docs, swept } = await session({}, { bundlePath: copy, cwd: lonely });
      expect(exit.code, exit.lastLog?.msg).toBe(0);
      expect(swept.size).toBe(STREAMS.length);
      expectOnlyProtocolOnStdout(exit);
      // A fresh capture cannot find pages already in the trash (search and queries skip them).
      const live = emulator.groundTruth().pages.filter((page) => !page.in_trash);
      expect(docs[STREAMS.indexOf('pages')]?.length).toBe(live.length);
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });
});

describe('source-notion preview', () => {
  it('captures into JSONL collections equal to the ground truth and a state file', async () => {
    const dir = mkdtempSync(join(workDir, 'preview-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      'credentials:\n  auth_type: token\n  token: ntn_test_full_capabilities\nstart_date: 2000-01-01T00:00:00Z\nadvanced:\n  requests_per_minute: 10000\n',
    );
    // Asynchronously: the emulator answering the preview's connector runs in this process.
    const preview = spawn(
      process.execPath,
      [bundle, 'preview', '--config', config, '--output', join(dir, 'out')],
      {
        env: env(emulator.url),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    preview.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    preview.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    let guarded = false;
    const guard = setTimeout(() => {
      guarded = true;
      preview.kill('SIGINT');
    }, 45_000);
    const code = await new Promise<number | null>((resolve) =>
      preview.once('close', (exitCode) => resolve(exitCode)),
    );
    clearTimeout(guard);
    expect(code, output).toBe(0);
    // Every binding, the typed rows ones too, completed its sweep: the preview ended by itself.
    expect(guarded, output).toBe(false);
    expect(output).toMatch(/collection\s+captured\s+deleted\s+total/);
    const expected = expectedCollections();
    for (const stream of STREAMS) {
      const lines = readFileSync(join(dir, 'out', `${stream}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(byId(lines.map((line) => JSON.parse(line) as object)), stream).toEqual(expected[stream]);
    }
    const state = JSON.parse(readFileSync(join(dir, 'out', 'state.json'), 'utf8')) as {
      bindingStateV1: object;
    };
    // Beside the six fixed collections, one per data source: its rows as typed columns.
    const typed = Object.keys(state.bindingStateV1).filter(
      (key) => !(STREAMS as readonly string[]).includes(key),
    );
    // Named by their titles (a data source search omits may be missing, as from discover).
    const titles = new Map(
      expected.data_sources.map((source) => {
        const { title, id } = source as { title: Array<{ plain_text: string }>; id: string };
        return [
          title
            .map((t) => t.plain_text)
            .join('')
            .toLowerCase(),
          id,
        ];
      }),
    );
    expect(['notes', 'projects', 'tasks']).toEqual(expect.arrayContaining(typed));
    expect(typed).toEqual(expect.arrayContaining(['projects', 'tasks']));
    const typedSources = new Set(typed.map((name) => titles.get(name)));
    const rows = typed.flatMap((name) =>
      readFileSync(join(dir, 'out', `${name}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { id: string }).id),
    );
    const truthRows = expected.pages
      .filter((page) => {
        const parent = (page as { parent?: { type?: string; data_source_id?: string } }).parent;
        return parent?.type === 'data_source_id' && typedSources.has(parent.data_source_id);
      })
      .map((page) => (page as { id: string }).id);
    expect(new Set(rows)).toEqual(new Set(truthRows));
  });
});
