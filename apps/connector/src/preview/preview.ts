import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeletionDocument, mergePatchInPlace } from '@source-notion/core';
import type { ConnectorCommand, ConnectorLog } from '../connector-process.js';
import { ConnectorFailedError, callConnector, spawnConnector } from '../connector-process.js';
import type { CollectionStore } from './collection-store.js';
import { createCollectionStore } from './collection-store.js';

export interface StreamStats {
  name: string;
  /** Documents captured by this preview run (all sessions). */
  captured: number;
  /** Of which deletions. */
  deleted: number;
  /** Documents in the collection now. */
  total: number;
  /** The stream's latest status line. */
  status: string | undefined;
  done: number | undefined;
  estimate: number | undefined;
  unit: string | undefined;
  /** When the current sweep's progress was first seen, and its count then (for the rate). */
  progressSince: { at: number; done: number } | undefined;
  /** This session's sweep of the binding has completed. */
  swept: boolean;
  /** Documents and duration of the last completed sweep, as the connector reported them. */
  sweptDocuments: number | undefined;
  sweptMs: number | undefined;
  disabled: string | undefined;
}

export interface PreviewStats {
  phase: string;
  session: number;
  sessions: number;
  startedAt: number;
  streams: StreamStats[];
  requests: number;
  rateLimited: number;
  pausedMs: number;
  transactions: number;
}

export interface PreviewOptions {
  connector: ConnectorCommand;
  /** The endpoint config (the YAML file's content). */
  config: Record<string, unknown>;
  statePath: string;
  outputDir: string;
  sessions: number;
  env?: NodeJS.ProcessEnv;
  /** Called on every change worth showing, and for the connector's warnings and errors. */
  onUpdate?: (stats: PreviewStats) => void;
  onLog?: (log: ConnectorLog) => void;
  /** Aborting ends the session in flight cleanly (stdin EOF) and skips later sessions. */
  signal?: AbortSignal;
  now?: () => number;
  /**
   * Webhooks on (the config's `webhooks`): the session stays open after every binding swept, until
   * `signal` aborts, and the listener's lines (its port, the verification token) go to `onLog`.
   */
  listen?: boolean;
}

export interface PreviewResult {
  stats: PreviewStats;
  /** The merged connector state after the last session. */
  state: Record<string, unknown>;
  /** Path of each collection's JSONL file. */
  files: Record<string, string>;
  interrupted: boolean;
}

interface PreviewBinding {
  name: string;
  resourceConfig: Record<string, unknown>;
  key: string[];
  store: CollectionStore;
  stats: StreamStats;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

async function readState(path: string): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) return undefined;
  const text = await readFile(path, 'utf8');
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`the state file ${path} is not JSON: fix or delete it to start over`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the state file ${path} must hold a JSON object: fix or delete it to start over`);
  }
  return value as Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs the connector the way the Flow runtime does: spec, discover, validate, then `sessions`
 * open sessions, each ended (stdin EOF) once every binding completed a sweep. Documents are
 * committed at checkpoints into per-collection stores reduced by key (deletions applied), the
 * checkpoints are merged into the state file (each acknowledged once merged, when `opened` asks for
 * acknowledgements), and the collections are written as JSONL.
 */
export async function runPreview(options: PreviewOptions): Promise<PreviewResult> {
  const now = options.now ?? (() => Date.now());
  const env = { SOURCE_NOTION_STATUS_INTERVAL_MS: '1000', ...(options.env ?? process.env) };
  const stats: PreviewStats = {
    phase: 'spec',
    session: 0,
    sessions: options.sessions,
    startedAt: now(),
    streams: [],
    requests: 0,
    rateLimited: 0,
    pausedMs: 0,
    transactions: 0,
  };
  const update = () => options.onUpdate?.(stats);
  const call = (request: Record<string, unknown>) =>
    callConnector(options.connector, request, { env, ...(options.onLog ? { onLog: options.onLog } : {}) });

  update();
  const spec = await call({ spec: { connectorType: 'IMAGE', config: {} } });
  const protocol = isRecord(spec.spec) ? spec.spec.protocol : undefined;
  if (protocol !== 3032023)
    throw new Error(`the connector answered spec with protocol ${String(protocol)}, not 3032023`);

  stats.phase = 'discover';
  update();
  const discovered = await call({ discover: { connectorType: 'IMAGE', config: options.config } });
  const proposals = (isRecord(discovered.discovered) ? discovered.discovered.bindings : undefined) as
    | Array<{
        recommendedName: string;
        resourceConfig: Record<string, unknown>;
        key: string[];
        disable?: boolean;
      }>
    | undefined;
  if (!Array.isArray(proposals)) throw new Error('the connector answered discover without bindings');

  const previous = await readState(options.statePath);
  const bindings: PreviewBinding[] = [];
  for (const proposal of proposals) {
    const streamStats: StreamStats = {
      name: proposal.recommendedName,
      captured: 0,
      deleted: 0,
      total: 0,
      status: undefined,
      done: undefined,
      estimate: undefined,
      unit: undefined,
      progressSince: undefined,
      swept: false,
      sweptDocuments: undefined,
      sweptMs: undefined,
      disabled: proposal.disable ? 'disabled by discover (the token cannot read it)' : undefined,
    };
    stats.streams.push(streamStats);
    if (proposal.disable) continue;
    const store = createCollectionStore(proposal.key);
    const file = join(options.outputDir, `${proposal.recommendedName}.jsonl`);
    // Continuing from a state: the collections so far are the base the changes reduce onto.
    if (previous !== undefined && existsSync(file)) store.loadJsonl(await readFile(file, 'utf8'));
    streamStats.total = store.size;
    bindings.push({
      name: proposal.recommendedName,
      resourceConfig: proposal.resourceConfig,
      key: proposal.key,
      store,
      stats: streamStats,
    });
  }
  if (bindings.length === 0) throw new Error('discover proposed no binding the token can read');

  stats.phase = 'validate';
  update();
  await call({
    validate: {
      name: 'preview/notion',
      connectorType: 'IMAGE',
      config: options.config,
      bindings: bindings.map((b) => ({
        resourceConfig: b.resourceConfig,
        collection: { name: `preview/${b.name}`, key: b.key },
        backfill: 0,
      })),
    },
  });

  let state: Record<string, unknown> = structuredClone(previous ?? {});
  let interrupted = false;
  const files: Record<string, string> = {};
  const writeOutputs = async () => {
    await writeAtomically(options.statePath, `${JSON.stringify(state, null, 2)}\n`);
    for (const binding of bindings) {
      const file = join(options.outputDir, `${binding.name}.jsonl`);
      await writeAtomically(file, binding.store.toJsonl());
      files[binding.name] = file;
    }
  };

  for (let session = 1; session <= options.sessions && !interrupted; session++) {
    stats.session = session;
    stats.phase = 'capture';
    for (const binding of bindings) {
      binding.stats.swept = false;
      binding.stats.progressSince = undefined;
    }
    update();
    let pending: Array<{ binding: number; doc: Record<string, unknown> }> = [];
    // Playing the runtime's part: when `opened` asks for acknowledgements (webhooks on), each
    // checkpoint is acknowledged once merged into the state (the connector answers a webhook event
    // 200 only then).
    let acknowledge = false;
    const run = spawnConnector({
      command: options.connector,
      env,
      keepResponses: false,
      onResponse: (response) => {
        if (isRecord(response.opened)) {
          acknowledge = response.opened.explicitAcknowledgements === true;
        } else if (isRecord(response.captured)) {
          pending.push(response.captured as { binding: number; doc: Record<string, unknown> });
        } else if (isRecord(response.checkpoint)) {
          const checkpointState = isRecord(response.checkpoint.state) ? response.checkpoint.state : {};
          state =
            checkpointState.mergePatch === true
              ? mergePatchInPlace<Record<string, unknown>>(state, checkpointState.updated)
              : ((checkpointState.updated as Record<string, unknown> | undefined) ?? {});
          for (const { binding, doc } of pending) {
            const target = bindings[binding];
            if (target === undefined) continue;
            target.store.apply(doc);
            target.stats.captured += 1;
            if (isDeletionDocument(doc)) target.stats.deleted += 1;
            target.stats.total = target.store.size;
          }
          pending = [];
          stats.transactions += 1;
          if (acknowledge) run.send({ acknowledge: { checkpoints: 1 } });
          update();
        }
      },
      onLog: (log) => {
        const fields = log.fields;
        if (typeof fields.requests === 'number') stats.requests = fields.requests;
        if (typeof fields.rateLimited === 'number') stats.rateLimited = fields.rateLimited;
        if (typeof fields.pausedMs === 'number') stats.pausedMs = fields.pausedMs;
        if (fields.eventType === 'connectorStatus' && typeof fields.stream === 'string') {
          // Status lines name the binding's stream (`rows.<id>` for a data source's typed rows).
          const target = bindings.find((b) => b.resourceConfig.stream === fields.stream)?.stats;
          if (target !== undefined) {
            target.status = log.msg;
            if (typeof fields.done === 'number') {
              target.done = fields.done;
              target.estimate = typeof fields.total === 'number' ? fields.total : undefined;
              target.unit = typeof fields.unit === 'string' ? fields.unit : undefined;
              target.progressSince ??= { at: now(), done: fields.done };
            }
            if (typeof fields.sweepCompleted === 'number') {
              const index =
                typeof fields.binding === 'number'
                  ? fields.binding
                  : bindings.findIndex((b) => b.stats === target);
              const swept = bindings[index];
              if (swept !== undefined) {
                swept.stats.swept = true;
                swept.stats.sweptDocuments =
                  typeof fields.documents === 'number' ? fields.documents : undefined;
                swept.stats.sweptMs = typeof fields.durationMs === 'number' ? fields.durationMs : undefined;
              }
              if (bindings.every((b) => b.stats.swept) && options.listen !== true) run.end();
            }
          }
          update();
        } else if (log.level === 'warn' || log.level === 'error') {
          options.onLog?.(log);
        } else if (options.listen === true && /webhook/i.test(log.msg)) {
          options.onLog?.(log);
        }
      },
    });
    const onAbort = () => {
      interrupted = true;
      run.end();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    run.send({
      open: {
        capture: {
          name: 'preview/notion',
          connectorType: 'IMAGE',
          config: options.config,
          intervalSeconds: 300,
          bindings: bindings.map((b) => ({
            resourceConfig: b.resourceConfig,
            resourcePath: [b.name],
            collection: { name: `preview/${b.name}`, key: b.key },
            backfill: 0,
            stateKey: b.name,
          })),
        },
        version: 'preview',
        state,
      },
    });
    const exit = await run.done;
    options.signal?.removeEventListener('abort', onAbort);
    // Whatever was committed is kept, even when the session failed.
    await writeOutputs();
    if (exit.protocolErrors.length > 0) {
      throw new Error(`the connector wrote non-protocol output on stdout: ${exit.protocolErrors[0]}`);
    }
    if (exit.endedInsideTransaction) {
      throw new Error(
        'the connector exited after documents without a checkpoint (connector EOF while within a checkpoint)',
      );
    }
    if (exit.code !== 0) throw new ConnectorFailedError(`capture session ${session}`, exit);
  }
  stats.phase = interrupted ? 'interrupted' : 'done';
  update();
  return { stats, state, files, interrupted };
}
