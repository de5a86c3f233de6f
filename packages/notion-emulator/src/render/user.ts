import type { UserObjectResponse } from '@notionhq/client';
import type { UserRecord } from '../workspace/model.js';
import type { Workspace } from '../workspace/workspace.js';
import type { NotionVersion } from './version.js';

/** A user object; on 2026-12-01 a person without a name of their own has `name: null`. */
export function renderUser(
  ws: Workspace,
  user: UserRecord,
  version: NotionVersion = '2025-09-03',
): UserObjectResponse {
  if (user.type === 'person') {
    return {
      object: 'user',
      id: user.id,
      name: user.nameless && version === '2026-12-01' ? null : user.name,
      avatar_url: user.avatarUrl,
      type: 'person',
      person: user.email ? { email: user.email } : {},
    };
  }
  return {
    object: 'user',
    id: user.id,
    name: user.name,
    avatar_url: user.avatarUrl,
    type: 'bot',
    bot: user.integration
      ? {
          owner: { type: 'workspace', workspace: true },
          workspace_id: ws.data.workspaceId,
          workspace_name: ws.options.workspaceName,
          workspace_limits: { max_file_upload_size_in_bytes: 5_368_709_120 },
        }
      : {},
  };
}
