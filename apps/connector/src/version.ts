/** Replaced by the bundler with the package version; absent when running from source. */
declare const SOURCE_NOTION_VERSION: string | undefined;

export const CONNECTOR_VERSION: string =
  typeof SOURCE_NOTION_VERSION === 'string' ? SOURCE_NOTION_VERSION : '0.0.0-development';
