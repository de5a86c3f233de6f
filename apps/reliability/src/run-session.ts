// One open session of the connector bundle, run as the Flow runtime would: the open request on
// stdin, responses on stdout, logs on stderr. It keeps what the runtime keeps (documents followed
// by a checkpoint, the state merged from checkpoints), ends on stdin EOF after N sweeps, and kills
// the process at chosen points. Used by the *.test.ts files here and by the torture checks.
import type { ConnectorExit, ConnectorLog, ConnectorRun } from '@source-notion/connector';
import { spawnConnector } from '@source-notion/connector';
import { mergePatchInPlace } from '@source-notion/core';
import type { Doc } from './streams.js';

export interface SessionOptions {
  /** The connector bundle, run with this Node (unless `command` is given). */
  bundle: string;
  /** Runs this instead of `node <bundle>`, e.g. the connector image through a container engine. */
  command?: { command: string; args: readonly string[] };
  env: NodeJS.ProcessEnv;
  open: Record<string, unknown>;
  /** End the session (stdin EOF) once every binding completed this many sweeps. Default 1. */
  sweeps?: number;
  /** Kill the connector (SIGKILL unless `killSignal`) right after it wrote this many stdout lines. */
  killAfterLines?: number;
  killSignal?: NodeJS.Signals;
  /** Called with every response and log; return 'kill' to kill, 'end' to close stdin. */
  watch?: (event: { response?: Doc; log?: ConnectorLog; lines: number }) => 'kill' | 'end' | undefined;
  /** Real-time limit; the connector is killed after it and the result says so. Default 45 s. */
  timeoutMs?: number;
  /** Called once the process runs and has the open request. */
  onSpawn?: (run: ConnectorRun) => void;
}

export interface SessionResult {
  exit: ConnectorExit;
  /** Documents the runtime committed (followed by a checkpoint), per binding index. */
  committed: Doc[][];
  /** Documents written after the last checkpoint: the runtime drops them. */
  uncommitted: number;
  /** Input state with every checkpoint merged in (RFC 7396). */
  state: unknown;
  checkpoints: number;
  logs: ConnectorLog[];
  /** Every stdout and stderr line as text (for canary scans). */
  transcript: string[];
  stdoutLines: number;
  /** Sweeps completed per binding index, from the connector's sweep logs. */
  sweeps: Map<number, number>;
  killed: boolean;
  timedOut: boolean;
  /** Real ms from spawn to exit. */
  durationMs: number;
  pid: number | undefined;
}

/** One open session of the bundle, as the runtime sees it. */
export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const open = options.open as { open: { state?: unknown; capture: { bindings: unknown[] } } };
  const bindingCount = open.open.capture.bindings.length;
  const wantSweeps = options.sweeps ?? 1;
  const logs: ConnectorLog[] = [];
  const transcript: string[] = [];
  const committed: Doc[][] = Array.from({ length: bindingCount }, () => []);
  let pending: Array<{ binding: number; doc: Doc }> = [];
  let state: unknown = structuredClone(open.open.state ?? {});
  let checkpoints = 0;
  let lines = 0;
  let killed = false;
  let timedOut = false;
  let ended = false;
  const sweeps = new Map<number, number>();
  const started = Date.now();

  let run: ConnectorRun | undefined;
  let signalled = false;
  const kill = (signal: NodeJS.Signals = options.killSignal ?? 'SIGKILL') => {
    // One SIGTERM, as the runtime sends (a second one during the clean stop would be another
    // test); SIGKILL (the time limit) still follows a SIGTERM that did not end the process.
    if (run === undefined || killed || (signalled && signal !== 'SIGKILL')) return;
    signalled = true;
    killed = signal === 'SIGKILL';
    run.child.kill(signal);
  };
  const end = () => {
    if (ended || run === undefined) return;
    ended = true;
    run.end();
  };
  const react = (verdict: 'kill' | 'end' | undefined) => {
    if (verdict === 'kill') kill();
    if (verdict === 'end') end();
  };

  run = spawnConnector({
    command: options.command ?? { command: process.execPath, args: [options.bundle] },
    env: options.env,
    keepResponses: false,
    onResponse: (response) => {
      if (killed) return; // after SIGKILL nothing more reaches the runtime
      lines += 1;
      transcript.push(JSON.stringify(response));
      if ('captured' in response) {
        pending.push(response.captured as { binding: number; doc: Doc });
      } else if ('checkpoint' in response) {
        const checkpoint = response.checkpoint as { state: { updated: unknown; mergePatch?: boolean } };
        state =
          checkpoint.state.mergePatch === true
            ? mergePatchInPlace(state, checkpoint.state.updated)
            : checkpoint.state.updated;
        checkpoints += 1;
        for (const { binding, doc } of pending) committed[binding]?.push(doc);
        pending = [];
      }
      if (options.killAfterLines !== undefined && lines >= options.killAfterLines) kill();
      react(options.watch?.({ response, lines }));
    },
    onLog: (log) => {
      logs.push(log);
      transcript.push(JSON.stringify(log));
      const binding = log.fields.binding;
      if (typeof log.fields.sweepCompleted === 'number' && typeof binding === 'number') {
        sweeps.set(binding, (sweeps.get(binding) ?? 0) + 1);
        if (sweeps.size === bindingCount && [...sweeps.values()].every((n) => n >= wantSweeps)) end();
      }
      react(options.watch?.({ log, lines }));
    },
  });
  run.send(options.open);
  options.onSpawn?.(run);
  const timer = setTimeout(() => {
    timedOut = true;
    kill('SIGKILL');
  }, options.timeoutMs ?? 45_000);
  const exit = await run.done.finally(() => clearTimeout(timer));
  return {
    exit,
    committed,
    uncommitted: pending.length,
    state,
    checkpoints,
    logs,
    transcript,
    stdoutLines: lines,
    sweeps,
    killed,
    timedOut,
    durationMs: Date.now() - started,
    pid: run.child.pid,
  };
}
