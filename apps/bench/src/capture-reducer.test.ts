import { describe, expect, it } from 'vitest';
import { createCaptureReducer } from './capture-reducer.js';

const captured = (binding: number, doc: Record<string, unknown>) => ({ captured: { binding, doc } });
const checkpoint = (updated: unknown, mergePatch = true) => ({
  checkpoint: { state: { updated, mergePatch } },
});

describe('createCaptureReducer', () => {
  it('commits documents by key at checkpoints and applies deletions', () => {
    const reducer = createCaptureReducer(['pages', 'blocks']);
    reducer.apply({ opened: { explicitAcknowledgements: false } });
    reducer.apply(captured(0, { id: 'p1' }));
    reducer.apply(captured(1, { id: 'b1' }));
    reducer.apply(captured(1, { id: 'b2' }));
    expect(reducer.collections.blocks?.size).toBe(0);
    expect(reducer.pending).toBe(3);
    reducer.apply(checkpoint({ bindingStateV1: { blocks: { cursor: 'a' } } }));
    expect([...(reducer.collections.blocks ?? [])]).toEqual(['b1', 'b2']);
    reducer.apply(captured(1, { id: 'b1', _meta: { op: 'd' } }));
    reducer.apply(captured(0, { id: 'p1', title: 'again' }));
    reducer.apply(checkpoint({ bindingStateV1: { pages: { cursor: 'b' } } }));
    expect([...(reducer.collections.blocks ?? [])]).toEqual(['b2']);
    expect([...(reducer.collections.pages ?? [])]).toEqual(['p1']);
    expect(reducer.documents).toBe(5);
    expect(reducer.deletions).toBe(1);
    expect(reducer.checkpoints).toBe(2);
    expect(reducer.opened).toBe(true);
    expect(reducer.state).toEqual({ bindingStateV1: { blocks: { cursor: 'a' }, pages: { cursor: 'b' } } });
  });

  it('takes a sourced schema as no document, and only for a binding it knows', () => {
    const reducer = createCaptureReducer(['pages', 'rows.ds']);
    reducer.apply({ sourcedSchema: { binding: 1, schema_json: { type: 'object' } } });
    reducer.apply(captured(1, { id: 'r1' }));
    reducer.apply(checkpoint({}));
    expect([...(reducer.collections['rows.ds'] ?? [])]).toEqual(['r1']);
    expect(reducer.documents).toBe(1);
    expect(() => reducer.apply({ sourcedSchema: { binding: 2, schema_json: {} } })).toThrow(
      /unknown binding/,
    );
  });

  it('merges checkpoints as RFC 7396 patches and replaces without mergePatch', () => {
    const reducer = createCaptureReducer(['pages'], { state: { bindingStateV1: { pages: { a: 1, b: 2 } } } });
    reducer.apply(checkpoint({ bindingStateV1: { pages: { a: null, c: 3 } } }));
    expect(reducer.state).toEqual({ bindingStateV1: { pages: { b: 2, c: 3 } } });
    reducer.apply(checkpoint({ other: true }, false));
    expect(reducer.state).toEqual({ other: true });
  });

  it('starts from earlier collections and leaves them untouched', () => {
    const first = new Set(['b1', 'b2']);
    const reducer = createCaptureReducer(['blocks'], { collections: { blocks: first } });
    reducer.apply(captured(0, { id: 'b1', _meta: { op: 'd' } }));
    reducer.apply(checkpoint({}));
    expect([...(reducer.collections.blocks ?? [])]).toEqual(['b2']);
    expect(first.size).toBe(2);
  });

  it('rejects what a capture must not write', () => {
    const reducer = createCaptureReducer(['pages']);
    expect(() => reducer.apply(captured(3, { id: 'x' }))).toThrow(/unknown binding 3/);
    expect(() => reducer.apply(captured(0, { title: 'no id' }))).toThrow(/without a string \/id/);
    expect(() => reducer.apply({ spec: {} })).toThrow(/unexpected message/);
    expect(() => reducer.apply('text')).toThrow(/not a protocol message/);
  });
});
