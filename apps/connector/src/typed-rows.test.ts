import { PassThrough } from 'node:stream';
import { Validator } from '@cfworker/json-schema';
import { applyMergePatch, createLogger, createSystemClock } from '@source-notion/core';
import { type Emulator, startTestEmulator } from '@source-notion/notion-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { runConnector } from './connector.js';
import { readEnvironment } from './environment.js';

type Line = Record<string, unknown>;
type Schema = { properties: Record<string, unknown>; additionalProperties?: unknown; required?: unknown };

const HOUR = 3_600_000;
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const config = (token: string) => ({
  credentials: { auth_type: 'token', token },
  start_date: '2000-01-01T00:00:00Z',
  advanced: { requests_per_minute: 10_000 },
});

/**
 * One connector call in this process, speaking the protocol on stdio; an `open` session ends
 * (stdin EOF) once every binding swept once.
 */
async function call(emu: Emulator, request: Line, bindings = 0): Promise<Line[]> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: Line[] = [];
  let buffered = '';
  stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, at)) as Line);
      buffered = buffered.slice(at + 1);
    }
  });
  const swept = new Set<number>();
  const logger = createLogger({
    level: 'info',
    write: (line) => {
      const { fields } = JSON.parse(line) as { fields?: { sweepCompleted?: number; binding?: number } };
      if (fields?.sweepCompleted === undefined || fields.binding === undefined) return;
      swept.add(fields.binding);
      if (swept.size === bindings) stdin.end();
    },
  });
  const runtime = {
    environment: readEnvironment({ NOTION_API_BASE_URL: emu.url }),
    clock: createSystemClock(),
    logger,
  };
  const done = runConnector({ stdin, stdout, runtime });
  stdin.write(`${JSON.stringify(request)}\n`);
  if (bindings === 0) stdin.end();
  expect(await done).toBe(0);
  return lines;
}

/** An open request for the pages stream and one data source's typed rows. */
function open(emu: Emulator, typed: string, state: unknown): Line {
  const bindings = ['pages', typed].map((stream) => ({
    resourceConfig: { stream, syncMode: 'incremental' },
    resourcePath: [stream],
    collection: { name: `acmeCo/${stream}`, key: ['/id'] },
    backfill: 0,
    stateKey: stream,
  }));
  return {
    open: {
      capture: { name: 'acmeCo/notion', config: config(emu.token), intervalSeconds: 300, bindings },
      version: 'test',
      range: { keyBegin: 0, keyEnd: 4294967295, rClockBegin: 0, rClockEnd: 4294967295 },
      state,
    },
  };
}

/** What the runtime does with a session's output: schemas widened, documents validated, state merged. */
function replay(lines: Line[], binding: number, collection: { schema: Schema; docs: Map<string, Line> }) {
  const rejected: Line[] = [];
  const pending: Line[] = [];
  let sent = 0;
  for (const line of lines) {
    if ('sourcedSchema' in line) {
      const { binding: target, schema_json } = line.sourcedSchema as { binding: number; schema_json: Schema };
      expect(target).toBe(binding);
      // Closed, and only wider: every column of the schema the collection has stays.
      expect(schema_json.additionalProperties).toBe(false);
      expect(Array.isArray(schema_json.required)).toBe(true);
      expect(Object.keys(schema_json.properties)).toEqual(
        expect.arrayContaining(Object.keys(collection.schema.properties)),
      );
      collection.schema = schema_json;
      sent++;
    }
    const captured = line.captured as { binding: number; doc: Line } | undefined;
    if (captured?.binding === binding) {
      const result = new Validator(collection.schema as never, '2020-12', false).validate(captured.doc);
      if (!result.valid) rejected.push(captured.doc);
      pending.push(captured.doc);
    }
    if ('checkpoint' in line) for (const doc of pending.splice(0)) collection.docs.set(String(doc.id), doc);
  }
  return { rejected, sent };
}

function merged(lines: Line[], state: unknown): unknown {
  let result = state;
  for (const line of lines) {
    const checkpoint = line.checkpoint as { state: { updated: unknown } } | undefined;
    if (checkpoint) result = applyMergePatch(result, checkpoint.state.updated);
  }
  return result;
}

describe('typed rows through the protocol', () => {
  it('add, rename and retype mid-capture: sourcedSchema precedes the new shape, every document validates, nothing is lost', async () => {
    const emu = await startTestEmulator({
      workspace: { seed: 11, size: 'tiny', now: Date.now() - 2 * HOUR },
    });
    emulator = emu;
    const projects = emu.workspace.data.dataSources[0]!;
    const stream = `rows.${projects.id}`;

    const discovered = await call(emu, { discover: { connectorType: 'IMAGE', config: config(emu.token) } });
    const bindings = (discovered[0]!.discovered as { bindings: Array<Line & { documentSchema: Schema }> })
      .bindings;
    const binding = bindings.find((b) => (b.resourceConfig as { stream: string }).stream === stream)!;
    expect(binding.recommendedName).toBe('projects');
    expect(binding.key).toEqual(['/id']);
    const collection = { schema: binding.documentSchema, docs: new Map<string, Line>() };

    const first = await call(emu, open(emu, stream, {}), 2);
    expect(replay(first, 1, collection).rejected).toEqual([]);
    const state = merged(first, {});

    // The schema changes while the capture runs: a property added, one renamed, one retyped.
    emu.workspace.addProperty(projects.id, 'verification', 'Checked');
    emu.workspace.renameProperty(projects.id, 'Budget', 'Budget (EUR)');
    emu.workspace.retypeProperty(projects.id, 'Stage', 'number');
    const edited = projects.rowIdxs.slice(0, 3).map((idx) => emu.workspace.data.pages[idx]!.id);
    for (const id of edited) emu.workspace.editPage(id);

    const discoveredSchema = binding.documentSchema;
    const second = await call(emu, open(emu, stream, state), 2);
    const { rejected, sent } = replay(second, 1, collection);
    expect(rejected).toEqual([]);
    expect(sent).toBe(1);
    const firstSchema = second.findIndex((line) => 'sourcedSchema' in line);
    const firstTyped = second.findIndex((line) => (line.captured as { binding?: number })?.binding === 1);
    expect(firstSchema).toBeGreaterThanOrEqual(0);
    expect(firstSchema).toBeLessThan(firstTyped);
    // The new shape would have been rejected by the schema discover published.
    const newShape = collection.docs.get(edited[0]!)!;
    expect(new Validator(discoveredSchema as never, '2020-12', false).validate(newShape).valid).toBe(false);
    expect(newShape).toHaveProperty('Budget (EUR)');
    expect(newShape).toHaveProperty('Checked');
    expect(newShape).not.toHaveProperty('Budget');
    expect(collection.schema.properties).toHaveProperty('Budget');

    // Nothing lost: one document per row, the edited ones in their new shape.
    const rows = emu
      .groundTruth()
      .pages.filter(
        (page) => page.parent.type === 'data_source_id' && page.parent.data_source_id === projects.id,
      )
      .map((page) => page.id);
    expect([...collection.docs.keys()].sort()).toEqual([...rows].sort());
    for (const id of edited) expect(collection.docs.get(id)).toHaveProperty('Budget (EUR)');
  });
});
