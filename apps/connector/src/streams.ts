import type { Stream } from '@source-notion/core';
import { blocksStream } from '@source-notion/stream-blocks';
import { commentsStream } from '@source-notion/stream-comments';
import { dataSourcesStream } from '@source-notion/stream-data-sources';
import { databasesStream } from '@source-notion/stream-databases';
import { pageMarkdownStream } from '@source-notion/stream-page-markdown';
import { pagesStream } from '@source-notion/stream-pages';
import { createTypedRowsStream, TYPED_ROWS_STREAM_PREFIX } from '@source-notion/stream-typed-rows';
import { usersStream } from '@source-notion/stream-users';

/** A stream whose state type is erased: the connector only moves state between stream and Flow. */
export type AnyStream = Stream<unknown>;

/** Every stream the connector captures, in discovery order. */
export const ALL_STREAMS: readonly AnyStream[] = [
  usersStream,
  databasesStream,
  dataSourcesStream,
  pagesStream,
  blocksStream,
  commentsStream,
  pageMarkdownStream,
] as readonly AnyStream[];

/** The stream called `name`, or undefined. */
export function findStream(name: string): AnyStream | undefined {
  return ALL_STREAMS.find((stream) => stream.name === name);
}

/**
 * The stream a binding's `stream` names: one of `streams`, or for `rows.<data source id>` that
 * data source's typed rows (a stream made per binding). Undefined when there is none.
 */
export function streamFor(name: string, streams: readonly AnyStream[] = ALL_STREAMS): AnyStream | undefined {
  if (name.startsWith(TYPED_ROWS_STREAM_PREFIX)) {
    return createTypedRowsStream({
      dataSourceId: name.slice(TYPED_ROWS_STREAM_PREFIX.length),
    }) as unknown as AnyStream;
  }
  return streams.find((stream) => stream.name === name);
}
