import type { Readable } from 'node:stream';
import { parseEndpointConfig } from '@source-notion/core';
import type { FlowRequest } from '@source-notion/flow-capture';
import {
  appliedResponse,
  createTransactionWriter,
  ProtocolError,
  parseRequest,
  requestType,
} from '@source-notion/flow-capture';
import { probeCapabilities } from './capabilities.js';
import type { CaptureOptions } from './capture.js';
import { runCapture } from './capture.js';
import { CheckpointAcks } from './checkpoint-acks.js';
import { describeError, errorFields } from './describe-error.js';
import { discoveredBindings } from './discover.js';
import { createLineReader } from './line-reader.js';
import type { Runtime } from './notion-session.js';
import { openNotionClient } from './notion-session.js';
import { connectorSpec } from './spec.js';
import { ALL_STREAMS } from './streams.js';
import { discoverTypedRows } from './typed-discovery.js';
import { validateBindings } from './validate.js';

export interface ConnectorIo {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  runtime: Runtime;
  /** Calls `handler` on SIGTERM; returns a function that stops listening. Default: none. */
  onTerminate?: (handler: () => void) => () => void;
  /** Overrides for the open session (tests). */
  capture?: Pick<CaptureOptions, 'maxSessionMs' | 'stopGraceMs' | 'statusIntervalMs' | 'notion'>;
}

async function withNotion<T>(
  config: unknown,
  runtime: Runtime,
  fn: (notion: ReturnType<typeof openNotionClient>) => Promise<T>,
): Promise<T> {
  const parsed = parseEndpointConfig(config, { now: new Date(runtime.clock.now()) });
  const notion = openNotionClient(parsed, runtime);
  try {
    return await fn(notion);
  } finally {
    await notion.close().catch(() => {});
  }
}

/**
 * The Flow capture protocol on stdio: reads one request, answers it (spec, discover, validate,
 * apply) or runs the session (open), and returns the exit code. Every failure ends as one error
 * log line on stderr saying what to fix, and exit code 1.
 */
export async function runConnector(io: ConnectorIo): Promise<number> {
  const { runtime } = io;
  const { logger } = runtime;
  const writer = createTransactionWriter(io.stdout);
  const reader = createLineReader(io.stdin);
  let stopListening: (() => void) | undefined;
  try {
    let line = await reader.next();
    while (line !== undefined && line.trim() === '') line = await reader.next();
    if (line === undefined) {
      throw new ProtocolError(
        'stdin closed before any request: the connector expects one JSON request per line (spec, discover, validate, apply or open); run `source-notion --help` for the commands meant for people',
      );
    }
    const request: FlowRequest = parseRequest(line);
    logger.debug(`received a ${requestType(request)} request`);
    if ('spec' in request) {
      await writer.respond(connectorSpec());
    } else if ('discover' in request) {
      const response = await withNotion(request.discover.config, runtime, async (notion) =>
        discoveredBindings(
          ALL_STREAMS,
          await probeCapabilities(notion, logger),
          logger,
          await discoverTypedRows(notion, logger),
        ),
      );
      await writer.respond(response);
    } else if ('validate' in request) {
      const response = await withNotion(request.validate.config, runtime, async (notion) =>
        validateBindings(request.validate, await probeCapabilities(notion, logger)),
      );
      await writer.respond(response);
    } else if ('apply' in request) {
      logger.info('apply: nothing to do (the connector creates nothing in Notion)');
      await writer.respond(appliedResponse(''));
    } else if ('open' in request) {
      const stop = new AbortController();
      stopListening = io.onTerminate?.(() => stop.abort(new Error('SIGTERM')));
      // Sent by the runtime after each commit when `opened` asked for them (webhooks on).
      const acks = new CheckpointAcks();
      void (async () => {
        for (;;) {
          const next = await reader.next();
          if (next === undefined) break;
          if (next.trim() === '') continue;
          try {
            const extra = parseRequest(next);
            if ('acknowledge' in extra) acks.acknowledge(extra.acknowledge.checkpoints);
            else logger.warn(`ignoring a ${requestType(extra)} request received during open`);
          } catch (error) {
            logger.warn(`ignoring an unreadable line on stdin during open: ${describeError(error)}`);
          }
        }
        stop.abort(new Error('stdin closed'));
      })().catch((error: unknown) => stop.abort(error instanceof Error ? error : new Error(String(error))));
      await runCapture({ request: request.open, writer, runtime, stop: stop.signal, acks, ...io.capture });
    } else {
      throw new ProtocolError(
        'received acknowledge before open: the first request must be spec, discover, validate, apply or open',
      );
    }
    await writer.flush();
    return 0;
  } catch (error) {
    await writer.flush().catch(() => {});
    logger.error(describeError(error), errorFields(error));
    return 1;
  } finally {
    stopListening?.();
    reader.close();
  }
}
