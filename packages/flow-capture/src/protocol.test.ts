import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import {
  appliedResponse,
  checkpointResponse,
  FLOW_PROTOCOL_VERSION,
  flowResponseSchema,
  openedResponse,
  parseRequest,
  requestType,
  specResponse,
  validatedResponse,
} from './protocol.js';

function protocolError(line: string): ProtocolError {
  try {
    parseRequest(line);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

const CONFIG = { credentials: { auth_type: 'token', token: 'test-token-protocol-1' } };

describe('parseRequest', () => {
  it('parses every request of FLOW-PROTOCOL.md', () => {
    const lines = [
      { spec: { connectorType: 'IMAGE', config: {} } },
      { discover: { connectorType: 'IMAGE', config: CONFIG } },
      {
        validate: {
          name: 'acmeCo/notion',
          connectorType: 'IMAGE',
          config: CONFIG,
          bindings: [
            {
              resourceConfig: { stream: 'pages', syncMode: 'incremental' },
              collection: { name: 'acmeCo/pages', key: ['/id'] },
              backfill: 0,
            },
          ],
          lastCapture: {},
        },
      },
      {
        apply: {
          capture: { name: 'acmeCo/notion', config: CONFIG, bindings: [] },
          version: 'v1',
          lastCapture: {},
        },
      },
      {
        open: {
          capture: {
            name: 'acmeCo/notion',
            config: CONFIG,
            intervalSeconds: 300,
            bindings: [
              {
                resourceConfig: { stream: 'pages' },
                resourcePath: ['pages'],
                collection: {},
                backfill: 0,
                stateKey: 'pages',
              },
            ],
          },
          version: 'v1',
          range: { keyBegin: 0, keyEnd: 4294967295 },
          state: { bindingStateV1: { pages: { cursor: 'x' } } },
        },
      },
      { acknowledge: { checkpoints: 3 } },
    ];
    const types = lines.map((line) => requestType(parseRequest(JSON.stringify(line))));
    expect(types).toEqual(['spec', 'discover', 'validate', 'apply', 'open', 'acknowledge']);
  });

  it('keeps unknown fields and ignores $internal and unknown argv-like keys', () => {
    const request = parseRequest(
      JSON.stringify({
        open: {
          capture: {
            config: CONFIG,
            shardTemplate: { id: 'x' },
            bindings: [
              { resourceConfig: { stream: 'users' }, stateKey: 'users.v2', collection: { projections: [] } },
            ],
          },
          extraField: 1,
        },
        $internal: { logLevel: 'debug' },
      }),
    );
    if (!('open' in request)) throw new Error('expected open');
    expect(request.open.state).toEqual({});
    expect(request.open.capture.bindings[0]?.stateKey).toBe('users.v2');
    expect((request.open as Record<string, unknown>).extraField).toBe(1);
    expect((request.open.capture as Record<string, unknown>).shardTemplate).toEqual({ id: 'x' });
  });

  it('accepts proto3 JSON integers written as strings and defaults', () => {
    const ack = parseRequest('{"acknowledge":{"checkpoints":"2"}}');
    expect(ack).toEqual({ acknowledge: { checkpoints: 2 } });
    expect(parseRequest('{"acknowledge":{}}')).toEqual({ acknowledge: { checkpoints: 1 } });
    expect(parseRequest('{"spec":{}}')).toEqual({ spec: {} });
    const open = parseRequest(
      JSON.stringify({
        open: { capture: { config: {}, intervalSeconds: '300', bindings: [] }, state: null },
      }),
    );
    if (!('open' in open)) throw new Error('expected open');
    expect(open.open.capture.intervalSeconds).toBe(300);
    expect(open.open.state).toEqual({});
  });

  it.each([
    ['', /empty request line/],
    ['{"open": ', /^request line is not valid JSON/],
    ['[1,2]', /must be a JSON object .*got an array/],
    ['"spec"', /got a string/],
    [
      '{"capture":{}}',
      /unknown request type "capture": expected one of spec, discover, validate, apply, open, acknowledge/,
    ],
    ['{}', /unknown request type \(empty object\)/],
    ['{"spec":{},"discover":{"config":{}}}', /several request types \(spec, discover\)/],
    ['{"discover":{}}', /^discover request is missing config$/],
    ['{"discover":[]}', /^discover request must be an object; got an array$/],
    [
      '{"validate":{"config":{},"bindings":[{"collection":{}}]}}',
      /^validate request is missing bindings\[0\]\.resourceConfig$/,
    ],
    [
      '{"open":{"capture":{"config":{},"bindings":[{"resourceConfig":{"stream":"pages"},"stateKey":"pages"},{"resourceConfig":{}}]}}}',
      /^open request is missing capture\.bindings\[1\]\.stateKey$/,
    ],
    [
      '{"open":{"capture":{"config":{},"bindings":[{"resourceConfig":{},"stateKey":""}]}}}',
      /capture\.bindings\[0\]\.stateKey is empty/,
    ],
    [
      '{"open":{"capture":{"config":"x"}}}',
      /^open request field capture\.config must be an object; got a string$/,
    ],
    ['{"open":{}}', /^open request is missing capture$/],
    ['{"acknowledge":{"checkpoints":-1}}', /acknowledge request field checkpoints is invalid/],
  ])('rejects %j', (line, message) => {
    expect(protocolError(line).message).toMatch(message);
  });

  it('never quotes the request line (it carries secrets) in a JSON error', () => {
    const line = '{"discover":{"config":{"credentials":{"token":"test-unregistered-secret-xyz"}}}';
    const error = protocolError(line);
    expect(error.message).not.toContain('test-unregistered-secret-xyz');
    expect(String(error.cause ?? '')).not.toContain('test-unregistered-secret-xyz');
  });
});

describe('responses', () => {
  it('builds the response shapes of FLOW-PROTOCOL.md', () => {
    const spec = specResponse({
      configSchema: { type: 'object' },
      resourceConfigSchema: { type: 'object' },
      documentationUrl: 'https://example.com/docs',
      resourcePathPointers: ['/stream'],
    });
    expect(spec.spec.protocol).toBe(3032023);
    expect(FLOW_PROTOCOL_VERSION).toBe(3032023);
    expect(validatedResponse([['pages'], ['users']])).toEqual({
      validated: { bindings: [{ resourcePath: ['pages'] }, { resourcePath: ['users'] }] },
    });
    expect(appliedResponse()).toEqual({ applied: { actionDescription: '' } });
    expect(openedResponse()).toEqual({ opened: { explicitAcknowledgements: false } });
    expect(checkpointResponse({ bindingStateV1: { pages: { c: 1 } } })).toEqual({
      checkpoint: { state: { updated: { bindingStateV1: { pages: { c: 1 } } }, mergePatch: true } },
    });
    expect(checkpointResponse(undefined)).toEqual({
      checkpoint: { state: { updated: {}, mergePatch: true } },
    });
    for (const message of [spec, appliedResponse(), openedResponse(), checkpointResponse({})]) {
      expect(flowResponseSchema.safeParse(message).success).toBe(true);
    }
    expect(
      flowResponseSchema.safeParse({ spec: { protocol: 1, configSchema: {}, resourceConfigSchema: {} } })
        .success,
    ).toBe(false);
    expect(flowResponseSchema.safeParse({ captured: { binding: -1, doc: {} } }).success).toBe(false);
  });
});
