export * from './fake-clock.js';
export * from './fake-stream-context.js';
export * from './offset-clock.js';
export * from './run-stream.js';
export * from './test-resources.js';
