import type { ListUsersResponse, UserObjectResponse } from '@notionhq/client';
import { renderUser } from '../../render/user.js';
import type { ApiEnv, ApiRequest } from '../api-context.js';
import { notFound, restricted } from '../errors.js';
import { paginate, parsePageArgs } from '../paginate.js';

export function getSelf(env: ApiEnv): UserObjectResponse {
  return renderUser(env.ws, env.ws.integrationUser);
}

export function listUsers(env: ApiEnv, req: ApiRequest): ListUsersResponse {
  if (!req.token.readUsers) throw restricted('read user information');
  const args = parsePageArgs(
    'query',
    req.query.get('start_cursor') ?? undefined,
    req.query.get('page_size') ?? undefined,
  );
  const users = env.ws.users.filter((u) => u.listed);
  const page = paginate(env.cursors, users, (u) => u.id, 'users', args, { now: req.now });
  return {
    object: 'list',
    results: page.results.map((u) => renderUser(env.ws, u, req.version)),
    next_cursor: page.nextCursor,
    has_more: page.hasMore,
    type: 'user',
    user: {},
  };
}

export function getUser(env: ApiEnv, req: ApiRequest): UserObjectResponse {
  if (!req.token.readUsers) throw restricted('read user information');
  const id = req.params.user_id ?? '';
  const user = env.ws.userById(id);
  if (!user) throw notFound('user', id);
  return renderUser(env.ws, user, req.version);
}
