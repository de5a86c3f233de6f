import type { StreamContext, StreamProgress } from '../stream.js';

/** A StreamContext that keeps every progress report (the test contexts' common part). */
export interface RecordingStreamContext extends StreamContext {
  progressReports: StreamProgress[];
}

/** `parts` as a never-aborted StreamContext whose progress reports land in `progressReports`. */
export function recordingStreamContext(
  parts: Pick<StreamContext, 'notion' | 'logger' | 'config' | 'clock'>,
): RecordingStreamContext {
  const progressReports: StreamProgress[] = [];
  return {
    ...parts,
    signal: new AbortController().signal,
    progress: (progress) => progressReports.push(progress),
    progressReports,
  };
}
