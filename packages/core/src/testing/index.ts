export * from './fake-clock.js';
export * from './run-stream.js';
