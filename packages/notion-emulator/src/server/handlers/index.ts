import type { Handler } from '../api-context.js';
import type { RouteName } from '../router.js';
import { getBlock, listBlockChildren } from './blocks.js';
import { listComments } from './comments.js';
import { getDatabase, getDataSource, queryDataSource } from './data-sources.js';
import { getPageMarkdown } from './markdown.js';
import { getPage, getPageProperty } from './pages.js';
import { search } from './search.js';
import { getSelf, getUser, listUsers } from './users.js';

export const HANDLERS: Record<RouteName, Handler> = {
  'users.me': getSelf,
  'users.list': listUsers,
  'users.get': getUser,
  search,
  'databases.get': getDatabase,
  'data_sources.get': getDataSource,
  'data_sources.query': queryDataSource,
  'pages.get': getPage,
  'pages.property': getPageProperty,
  'pages.markdown': getPageMarkdown,
  'blocks.get': getBlock,
  'blocks.children': listBlockChildren,
  'comments.list': listComments,
};
