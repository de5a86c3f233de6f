// A fake clock: timers fire when the test advances time.
export { createFakeClock, type FakeClock, type RunUntilOptions } from './fake-clock.js';
// A StreamContext for unit tests, with a stand-in for the Notion SDK.
export {
  createFakeStreamContext,
  type FakeStreamContext,
  type FakeStreamContextOptions,
} from './fake-stream-context.js';
// A tiny scripted HTTP server on 127.0.0.1 (real sockets) and Notion-shaped answers.
export {
  notionError,
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestHandler,
  type TestServer,
} from './http-test-server.js';
// A clock that follows another time source (the emulator's) plus an offset the test moves.
export { createOffsetClock, type OffsetClock } from './offset-clock.js';
// Running a stream against the emulator: sweeps, crashes and resumes, the collection it builds.
export {
  createStreamTestContext,
  type RunStreamSweepOptions,
  runStreamSweep,
  type StreamSweepResult,
  type StreamTestContext,
  type StreamTestContextOptions,
  type SweepWithCrashesResult,
  sweepWithCrashes,
  TestCollection,
  withoutVolatile,
} from './run-stream.js';
// Closing what a test opened.
export { createTestResources, type TestResources } from './test-resources.js';
