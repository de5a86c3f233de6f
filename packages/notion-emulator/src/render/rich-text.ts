import type { RichTextItemResponse } from '@notionhq/client';
import { createRandom, type Random } from '../random.js';
import { isoDate } from '../time.js';
import { sentence, words } from '../workspace/words.js';
import type { RenderContext } from './context.js';

type Annotations = RichTextItemResponse['annotations'];

export function plainAnnotations(): Annotations {
  return {
    bold: false,
    italic: false,
    strikethrough: false,
    underline: false,
    code: false,
    color: 'default',
  };
}

export function textItem(
  content: string,
  annotations: Annotations = plainAnnotations(),
  link: string | null = null,
): RichTextItemResponse {
  return {
    type: 'text',
    text: { content, link: link ? { url: link } : null },
    annotations,
    plain_text: content,
    href: link,
  };
}

function randomAnnotations(rng: Random): Annotations {
  const a = plainAnnotations();
  if (rng.chance(0.15)) a.bold = true;
  if (rng.chance(0.1)) a.italic = true;
  if (rng.chance(0.05)) a.code = true;
  if (rng.chance(0.05)) a.color = rng.pick(['red', 'blue', 'green', 'gray_background'] as const);
  return a;
}

function segment(ctx: RenderContext, rng: Random): RichTextItemResponse {
  const roll = rng.next();
  if (roll < 0.05) {
    const user = rng.pick(ctx.ws.users.filter((u) => u.listed));
    return {
      type: 'mention',
      mention: { type: 'user', user: { object: 'user', id: user.id } },
      annotations: plainAnnotations(),
      plain_text: `@${user.name}`,
      href: null,
    };
  }
  if (roll < 0.09) {
    const page = ctx.ws.pages[rng.int(0, Math.min(ctx.ws.pages.length, 50) - 1)];
    if (page) {
      return {
        type: 'mention',
        mention: { type: 'page', page: { id: page.id } },
        annotations: plainAnnotations(),
        plain_text: page.title,
        href: `https://www.notion.so/${page.id.replace(/-/g, '')}`,
      };
    }
  }
  if (roll < 0.12) {
    const day = isoDate(ctx.ws.options.now - rng.int(0, 365) * 86_400_000);
    return {
      type: 'mention',
      mention: { type: 'date', date: { start: day, end: null, time_zone: null } },
      annotations: plainAnnotations(),
      plain_text: day,
      href: null,
    };
  }
  if (roll < 0.14) {
    const expression = rng.pick(['E = mc^2', 'a^2 + b^2 = c^2', '\\sum_{i=1}^n i']);
    return {
      type: 'equation',
      equation: { expression },
      annotations: plainAnnotations(),
      plain_text: expression,
      href: null,
    };
  }
  if (roll < 0.2)
    return textItem(words(rng, 1, 3), plainAnnotations(), `https://example.com/${words(rng, 1, 1)}`);
  return textItem(`${sentence(rng)} `, randomAnnotations(rng));
}

/** Deterministic rich text for a seed (1–3 segments), or the given override text. */
export function richText(
  ctx: RenderContext,
  seed: number,
  override?: string,
  segments?: number,
): RichTextItemResponse[] {
  if (override !== undefined) return [textItem(override)];
  const rng = createRandom(seed);
  const n = segments ?? rng.int(1, 3);
  const out: RichTextItemResponse[] = [];
  for (let i = 0; i < n; i++) out.push(segment(ctx, rng));
  return out;
}
