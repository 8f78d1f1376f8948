/**
 * Decides when an A3C run has stalled: no worker message and no global step for `timeoutMs` of time
 * in which this process actually ran. A gap between two watchdog ticks far longer than the tick
 * (the process was suspended with SIGSTOP, or the machine slept) is not the workers' fault: the
 * workers were frozen with the watchdog, so the wait starts again on waking. Without this, pausing
 * a training for two minutes killed it (2026-12-06).
 */
export interface StallWatch {
  /** Any worker message or step progress. */
  activity(now: number): void;
  /** One watchdog tick with the current global step count; true when the run has stalled. */
  tick(now: number, steps: number): boolean;
}

export function stallWatch(startSteps: number, timeoutMs: number, tickMs: number, start: number): StallWatch {
  let lastActivity = start;
  let lastTick = start;
  let lastSteps = startSteps;
  // A tick this late means the process itself was not running in between.
  const suspendedGapMs = Math.max(5 * tickMs, 5_000);
  return {
    activity(now) {
      lastActivity = now;
    },
    tick(now, steps) {
      if (steps !== lastSteps || now - lastTick > suspendedGapMs) {
        lastSteps = steps;
        lastActivity = now;
      }
      lastTick = now;
      return now - lastActivity > timeoutMs;
    },
  };
}
