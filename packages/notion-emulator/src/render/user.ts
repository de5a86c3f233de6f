import type { UserObjectResponse } from '@notionhq/client';
import type { UserRecord } from '../workspace/model.js';
import type { Workspace } from '../workspace/workspace.js';

export function renderUser(ws: Workspace, user: UserRecord): UserObjectResponse {
  if (user.type === 'person') {
    return {
      object: 'user',
      id: user.id,
      name: user.name,
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
