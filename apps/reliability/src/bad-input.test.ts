// Bad input at the process boundary: malformed requests, unknown request types, missing fields,
// bindings for unknown streams, bad configs and state that does not parse. Each ends with a clear
// last log line (never a stack trace), only protocol on stdout, and never the token; state that
// does not parse means a fresh backfill of that binding (documented recovery), not a failure.

import type { ConnectorExit, ConnectorLog } from '@source-notion/connector';
import { spawnConnector } from '@source-notion/connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryToken, findCanary } from './canary.js';
import {
  collectionDocs,
  describeDiff,
  diffCollections,
  expectedCollections,
  newCollections,
  reduceInto,
} from './collections.js';
import { connectorEnv, endpointConfig, openRequest } from './protocol-requests.js';
import { runSession } from './run-session.js';
import { type Suite, startSuite } from './suite.js';

const SEED = 77;
const canary = canaryToken(SEED);
let suite: Suite;

beforeAll(async () => {
  suite = await startSuite({ seed: SEED, timeScale: 100 });
}, 60_000);

afterAll(() => suite?.close());

/** Writes raw stdin text (not necessarily JSON), closes stdin, waits for the exit. */
async function feed(text: string): Promise<{ exit: ConnectorExit; logs: ConnectorLog[]; stdout: string[] }> {
  const logs: ConnectorLog[] = [];
  const stdout: string[] = [];
  const run = spawnConnector({
    command: { command: process.execPath, args: [suite.bundle] },
    env: connectorEnv(suite.emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
    onLog: (log) => logs.push(log),
    onResponse: (response) => stdout.push(JSON.stringify(response)),
  });
  run.child.stdin?.write(text);
  run.end();
  const exit = await run.done;
  return { exit, logs, stdout };
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const openLine = (patch: (open: Record<string, unknown>) => void) => {
  const request = openRequest({ config: endpointConfig(canary), state: {}, streams: ['users'] }) as {
    open: Record<string, unknown>;
  };
  patch(request.open);
  return line(request);
};
const capture = (open: Record<string, unknown>) => open.capture as Record<string, unknown>;
const bindings = (open: Record<string, unknown>) => capture(open).bindings as Array<Record<string, unknown>>;

const CASES: Array<[string, string, RegExp]> = [
  ['no request at all', '', /stdin closed before any request/],
  ['a blank line only', '\n\n', /stdin closed before any request/],
  [
    'malformed JSON carrying the token',
    `{"discover":{"config":{"credentials":{"auth_type":"token","token":"${canary}"}}\n`,
    /^request line is not valid JSON/,
  ],
  ['a JSON array', '[1,2]\n', /request must be a JSON object/],
  [
    'an unknown request type',
    line({ frobnicate: { config: endpointConfig(canary) } }),
    /unknown request type "frobnicate": expected one of spec, discover, validate, apply, open, acknowledge/,
  ],
  ['two request types', line({ spec: {}, discover: {} }), /several request types/],
  ['acknowledge before open', line({ acknowledge: { checkpoints: 1 } }), /acknowledge before open/],
  ['discover without config', line({ discover: {} }), /discover request is missing config/],
  ['open without capture', line({ open: { state: {} } }), /open request is missing capture/],
  [
    'open with a binding missing its stateKey',
    openLine((open) => delete bindings(open)[0]!.stateKey),
    /open request is missing capture\.bindings\[0\]\.stateKey/,
  ],
  [
    'open with a binding for an unknown stream',
    openLine((open) => (bindings(open)[0]!.resourceConfig = { stream: 'tasks' })),
    /"tasks" is not a Notion stream/,
  ],
  [
    'open with a bad interval',
    openLine((open) => (bindings(open)[0]!.resourceConfig = { stream: 'users', interval: 'soon' })),
    /interval/,
  ],
  [
    'open with a state that is not an object',
    openLine((open) => (open.state = 'corrupt')),
    /open request field state must be an object/,
  ],
  [
    'open with an empty token',
    openLine((open) => (capture(open).config = { credentials: { auth_type: 'token', token: '' } })),
    /config field credentials\.token is empty/,
  ],
  [
    'open with a wrong auth_type',
    openLine((open) => (capture(open).config = { credentials: { auth_type: 'password', token: canary } })),
    /config field credentials\.auth_type is "password", which is not supported/,
  ],
  [
    'open with a future start_date',
    openLine(
      (open) => (capture(open).config = endpointConfig(canary, { start_date: '2999-01-01T00:00:00Z' })),
    ),
    /config field start_date is in the future/,
  ],
  [
    'open with a malformed start_date',
    openLine((open) => (capture(open).config = endpointConfig(canary, { start_date: 'last week' }))),
    /config field start_date is not a valid date/,
  ],
  [
    'open with requests_per_minute out of range',
    openLine(
      (open) => (capture(open).config = endpointConfig(canary, { advanced: { requests_per_minute: 0 } })),
    ),
    /config field advanced\.requests_per_minute is out of range/,
  ],
];

describe('bad requests end with one clear error', () => {
  it.each(CASES)('%s', async (_name, text, message) => {
    const { exit, logs, stdout } = await feed(text);
    expect(exit.code).toBe(1);
    expect(exit.protocolErrors).toEqual([]);
    expect(exit.endedInsideTransaction).toBe(false);
    expect(exit.lastLog?.level).toBe('error');
    expect(exit.lastLog?.msg).toMatch(message);
    expect(exit.lastLog?.msg).not.toMatch(/\n\s+at |\bat .+\.(m?js|ts):\d+/);
    // Nothing but (at most) `opened` before a config failure.
    expect(stdout.every((l) => l.startsWith('{"opened"'))).toBe(true);
    expect(findCanary(canary, ...logs.map((l) => JSON.stringify(l)), ...stdout)).toEqual([]);
  });
});

describe('recoverable bad input', () => {
  it('state that does not parse: a warning and a fresh backfill of that binding only', {
    timeout: 45_000,
  }, async () => {
    const streams = ['users', 'pages'];
    const good = await runSession({
      bundle: suite.bundle,
      env: connectorEnv(suite.emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
      open: openRequest({ config: endpointConfig(canary), state: {}, streams }),
    });
    expect(good.exit.code).toBe(0);
    const pagesState = (good.state as { bindingStateV1: Record<string, unknown> }).bindingStateV1.pages;
    // users: a state from an "older version"; pages: intact.
    const state = {
      bindingStateV1: { users: { v: 0, legacyCursor: 'abc', garbage: [1, 2] }, pages: pagesState },
    };
    const session = await runSession({
      bundle: suite.bundle,
      env: connectorEnv(suite.emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
      open: openRequest({ config: endpointConfig(canary), state, streams }),
    });
    expect(session.exit.code).toBe(0);
    const warning = session.logs.find((log) =>
      /state of users does not parse \(.*\); starting a fresh backfill/.test(log.msg),
    );
    expect(warning?.level).toBe('warn');
    expect(session.logs.some((log) => /state of pages does not parse/.test(log.msg))).toBe(false);
    // users re-captured in full; pages unchanged so nothing re-emitted.
    const users = newCollections();
    reduceInto(users, session.committed, streams);
    expect(
      describeDiff(diffCollections(collectionDocs(users), expectedCollections(suite.emulator), ['users'])),
    ).toBe('');
    expect(session.committed[1]).toHaveLength(0);
    // The old fields are gone from the merged state.
    const merged = (session.state as { bindingStateV1: Record<string, Record<string, unknown>> })
      .bindingStateV1.users!;
    expect(merged).not.toHaveProperty('legacyCursor');
    expect(merged).not.toHaveProperty('garbage');
    expect(findCanary(canary, ...session.transcript, session.state)).toEqual([]);
  });

  it('an unreadable line during open is logged and ignored; the session goes on', {
    timeout: 45_000,
  }, async () => {
    const session = await runSession({
      bundle: suite.bundle,
      env: connectorEnv(suite.emulator.url, { SOURCE_NOTION_TIME_SCALE: '100' }),
      open: openRequest({ config: endpointConfig(canary), state: {}, streams: ['users'] }),
      onSpawn: (run) => {
        run.child.stdin?.write(
          `{"broken":\n${line({ frobnicate: {} })}${line({ acknowledge: { checkpoints: 1 } })}`,
        );
      },
    });
    expect(session.exit.code).toBe(0);
    expect(
      session.logs.some(
        (log) => log.level === 'warn' && /ignoring an unreadable line on stdin during open/.test(log.msg),
      ),
    ).toBe(true);
    expect(session.committed[0]!.length).toBeGreaterThan(0);
  });
});
