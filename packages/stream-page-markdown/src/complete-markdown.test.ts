import type { PageMarkdown } from '@source-notion/core';
import { describe, expect, it } from 'vitest';
import { completeMarkdown, spliceUnknownBlock } from './complete-markdown.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const tag = (id: string, alt = 'paragraph') =>
  `<unknown url="https://www.notion.so/p#${id.replace(/-/g, '')}" alt="${alt}"/>`;
const answer = (id: string, markdown: string, unknown: string[] = []): PageMarkdown => ({
  object: 'page_markdown',
  id,
  markdown,
  truncated: unknown.length > 0,
  unknown_block_ids: unknown,
});

describe('spliceUnknownBlock', () => {
  it('replaces the placeholder, indenting every non-empty line as the placeholder was', () => {
    const doc = `- item\n\t${tag(A)}\n- next`;
    const out = spliceUnknownBlock(doc, A, '- child\n\n\tgrandchild');
    expect(out).toEqual({ markdown: '- item\n\t- child\n\n\t\tgrandchild\n- next', found: true });
  });

  it('appends the subtree when no placeholder names the block', () => {
    expect(spliceUnknownBlock('# Title', A, 'text')).toEqual({ markdown: '# Title\n\ntext', found: false });
  });
});

describe('completeMarkdown', () => {
  it("appends a subtree whose placeholder does not name it (Notion's documented example)", async () => {
    // developers.notion.com, "Working with markdown content": the example answer, verbatim.
    const first = answer(
      'page-uuid',
      '# Large Document\n\nFirst section content...\n\n<unknown url="https://notion.so/abc123#def456"/>',
      ['def456-with-dashes-uuid'],
    );
    const result = await completeMarkdown(first, async (id) => answer(id, 'Second section'));
    expect(result).toMatchObject({ requests: 1, appended: 1, unreadableBlockIds: [] });
    expect(result.markdown).toBe(`${first.markdown}\n\nSecond section`);
  });

  it('fetches unknown blocks and theirs in turn, once each, and keeps the ones that answer 404', async () => {
    const asked: string[] = [];
    const subtrees = new Map([
      [A, answer(A, `<toggle>\nA\n\n${tag(C)}\n</toggle>`, [C])],
      [C, answer(C, 'C')],
    ]);
    const first = answer('page', `# P\n\n${tag(A)}\n\n${tag(B)}`, [A, B]);
    const result = await completeMarkdown(first, async (id) => {
      asked.push(id);
      return subtrees.get(id);
    });
    expect(result.markdown).toBe(`# P\n\n<toggle>\nA\n\nC\n</toggle>\n\n${tag(B)}`);
    expect(result.unreadableBlockIds).toEqual([B]);
    expect(result.requests).toBe(3);
    expect(asked.sort()).toEqual([A, B, C].sort());
  });

  it('never fetches a child page or database placeholder (its id would render that page itself)', async () => {
    const first = answer('page', `x\n\n${tag(A, 'child_page')}`, [A]);
    const result = await completeMarkdown(first, async () => {
      throw new Error('not fetched');
    });
    expect(result).toMatchObject({ requests: 0, unreadableBlockIds: [A], markdown: first.markdown });
  });
});
