// The connector's streams, in the order the suite binds them, and the shape of their documents.

export const STREAMS = ['users', 'databases', 'data_sources', 'pages', 'blocks', 'comments'] as const;
export type StreamName = (typeof STREAMS)[number];
export type Doc = Record<string, unknown>;
