import type { PartialUserObjectResponse } from '@notionhq/client';
import { hashInts } from '../random.js';
import { HOUR_MS, isoTime } from '../time.js';
import type { Workspace } from '../workspace/workspace.js';

export interface RenderContext {
  ws: Workspace;
  /** Emulated now: signs file URLs (which change on every read, like Notion's). */
  now: number;
  /**
   * Rollups and formulas over a relation see only its first this-many references (Notion's page
   * and list responses: 25). Absent or null: exact (property item endpoint, ground truth).
   */
  computedReferenceLimit?: number | null;
}

export function partialUser(ctx: RenderContext, userIdx: number): PartialUserObjectResponse {
  const user = ctx.ws.users[userIdx];
  if (!user) throw new Error(`no user ${userIdx}`);
  return { object: 'user', id: user.id };
}

export function pageUrl(title: string, id: string): string {
  const slug = title
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `https://www.notion.so/${slug ? `${slug}-` : ''}${id.replace(/-/g, '')}`;
}

/** A Notion-hosted file: a signed S3 URL that expires an hour after it was handed out. */
export function signedFile(
  ctx: RenderContext,
  key: string,
  name: string,
): { url: string; expiry_time: string } {
  const stamp = new Date(ctx.now).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const signature = [hashInts(ctx.now, key.length, 1), hashInts(ctx.now, key.length, 2)]
    .map((n) => n.toString(16).padStart(8, '0'))
    .join('');
  const workspaceId = ctx.ws.data.workspaceId;
  return {
    url: `https://prod-files-secure.s3.us-west-2.amazonaws.com/${workspaceId}/${key}/${encodeURIComponent(name)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${stamp}&X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
    expiry_time: isoTime(ctx.now + HOUR_MS),
  };
}
