import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRssBytes: number;
  /** User + system CPU time of every thread so far, seconds. */
  cpuSeconds: number;
}

/** Reads VmHWM (kB) from the text of /proc/<pid>/status. */
export function parseVmHwm(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** utime + stime from the text of /proc/<pid>/stat, in seconds (the command name may hold spaces and parens). */
export function parseCpuSeconds(stat: string, ticksPerSecond = CLOCK_TICKS_PER_SECOND): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  // After "pid (comm) " come state (field 3) … utime (field 14) and stime (field 15).
  const fields = stat
    .slice(end + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / ticksPerSecond;
}

/** One sample of a live process, or undefined once it is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const peakRssBytes = parseVmHwm(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const cpuSeconds = parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (peakRssBytes === undefined || cpuSeconds === undefined) return undefined;
    return { peakRssBytes, cpuSeconds };
  } catch {
    return undefined;
  }
}

/** Samples a process every `intervalMs` and keeps the latest figures (both only grow). */
export interface ProcessMonitor {
  /** Takes a sample now (call it right before asking the process to exit). */
  sample(): ProcSample;
  stop(): ProcSample;
}

export function monitorProcess(pid: number, intervalMs = 100): ProcessMonitor {
  let last: ProcSample = { peakRssBytes: 0, cpuSeconds: 0 };
  const take = (): ProcSample => {
    const sample = sampleProcess(pid);
    if (sample) {
      last = {
        peakRssBytes: Math.max(last.peakRssBytes, sample.peakRssBytes),
        cpuSeconds: Math.max(last.cpuSeconds, sample.cpuSeconds),
      };
    }
    return last;
  };
  const timer = setInterval(take, intervalMs);
  timer.unref();
  take();
  return {
    sample: take,
    stop: () => {
      clearInterval(timer);
      return last;
    },
  };
}
