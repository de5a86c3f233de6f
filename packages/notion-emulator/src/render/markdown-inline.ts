import type { RichTextItemResponse } from '@notionhq/client';

/*
 * Rich text as Notion-flavored Markdown (v2), after Notion's published syntax: `**bold**`,
 * `*italic*`, `~~strikethrough~~`, `<span underline="true">`, `` `code` ``, `[text](url)`,
 * `$equation$`, `<span color="…">`, and mention tags. Outside code, the characters Notion lists are
 * escaped with a backslash.
 */

const ESCAPED = /[\\*~`$[\]<>{}|^]/g;

/** Text outside code with Notion's special characters escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(ESCAPED, (c) => `\\${c}`).replace(/\n/g, '<br>');
}

/** An attribute value in a tag (double quotes escaped). */
export function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** Notion's API colors (`red`, `gray_background`) as Markdown colors (`red`, `gray_bg`). */
export function markdownColor(color: string): string {
  return color.endsWith('_background') ? `${color.slice(0, -'_background'.length)}_bg` : color;
}

/** A Notion URL of an object id (dashes removed). */
export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}

/** Wraps `inner` in a marker pair, keeping the item's outer whitespace outside the markers. */
function wrap(inner: string, open: string, close: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  const [, lead = '', body = '', trail = ''] = match ?? [];
  if (body === '') return inner;
  return `${lead}${open}${body}${close}${trail}`;
}

function mention(item: Extract<RichTextItemResponse, { type: 'mention' }>): string {
  const m = item.mention;
  const name = escapeMarkdown(item.plain_text.replace(/^@/, ''));
  switch (m.type) {
    case 'user':
      return `<mention-user url="{{user://${m.user.id}}}">${name}</mention-user>`;
    case 'page':
      return `<mention-page url="${notionUrl(m.page.id)}">${name}</mention-page>`;
    case 'database':
      return `<mention-database url="${notionUrl(m.database.id)}">${name}</mention-database>`;
    case 'date': {
      const end = m.date.end ? ` end="${m.date.end}"` : '';
      return `<mention-date start="${m.date.start}"${end}/>`;
    }
    default:
      return name;
  }
}

function item(rt: RichTextItemResponse): string {
  if (rt.type === 'mention') return mention(rt);
  const a = rt.annotations;
  let out: string;
  if (rt.type === 'equation') out = `$${rt.equation.expression}$`;
  else if (a.code) out = wrap(rt.text.content, '`', '`');
  else out = escapeMarkdown(rt.text.content);
  if (rt.type === 'text' && rt.text.link) out = wrap(out, '[', `](${rt.text.link.url})`);
  if (a.bold) out = wrap(out, '**', '**');
  if (a.italic) out = wrap(out, '*', '*');
  if (a.strikethrough) out = wrap(out, '~~', '~~');
  if (a.underline) out = wrap(out, '<span underline="true">', '</span>');
  if (a.color !== 'default') out = wrap(out, `<span color="${markdownColor(a.color)}">`, '</span>');
  return out;
}

/** A rich text array as inline Markdown. */
export function inlineMarkdown(richText: readonly RichTextItemResponse[]): string {
  return richText.map(item).join('').trimEnd();
}

/** The plain text of a rich text array (code blocks: literal, nothing escaped). */
export function plainText(richText: readonly RichTextItemResponse[]): string {
  return richText.map((rt) => rt.plain_text).join('');
}
