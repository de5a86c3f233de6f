import { type ApiError, rateLimited } from './errors.js';

export const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  /** Requests per token per 60 s window; null = unlimited. */
  rpm: number | null;
  /** Requests per workspace (all tokens) per 60 s window; null = unlimited. */
  workspaceRpm: number | null;
  /** Retry-After (s) once the workspace budget is spent: the whole workspace waits this long. */
  workspaceRetryAfterS: number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed 60 s windows of emulated time, like Notion's: the budget may be spent in a burst, then
 * 429 with Retry-After until the window ends. Rejected requests do not count.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private workspaceWindow: Window | undefined;
  private workspaceBlockedUntil = 0;

  constructor(private readonly options: RateLimitOptions) {}

  /** Returns the 429 to answer, or undefined (and counts the request). */
  check(tokenLabel: string, now: number): ApiError | undefined {
    const { rpm, workspaceRpm, workspaceRetryAfterS } = this.options;
    if (now < this.workspaceBlockedUntil) {
      return rateLimited(
        Math.max(1, Math.ceil((this.workspaceBlockedUntil - now) / 1000)),
        'public_api_space_request_rate_limit',
      );
    }
    let window: Window | undefined;
    if (rpm !== null) {
      window = this.windows.get(tokenLabel);
      if (!window || now >= window.start + WINDOW_MS) {
        window = { start: now, count: 0 };
        this.windows.set(tokenLabel, window);
      }
      if (window.count >= rpm) {
        return rateLimited(
          Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000)),
          'public_api_request_rate_limit',
        );
      }
    }
    if (workspaceRpm !== null) {
      if (!this.workspaceWindow || now >= this.workspaceWindow.start + WINDOW_MS)
        this.workspaceWindow = { start: now, count: 0 };
      if (this.workspaceWindow.count >= workspaceRpm) {
        this.workspaceBlockedUntil = now + workspaceRetryAfterS * 1000;
        this.workspaceWindow = undefined;
        return rateLimited(workspaceRetryAfterS, 'public_api_space_request_rate_limit');
      }
      this.workspaceWindow.count++;
    }
    if (window) window.count++;
    return undefined;
  }

  reset(): void {
    this.windows.clear();
    this.workspaceWindow = undefined;
    this.workspaceBlockedUntil = 0;
  }
}
