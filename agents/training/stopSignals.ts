/**
 * Stop requests for a training run: SIGINT (Ctrl-C) and SIGTERM (kill, a scheduler, docker stop)
 * both ask the run to stop at its next chance, save a checkpoint and exit cleanly. A second
 * signal while stopping exits at once (130 / 143) for a user who really means it.
 */
export interface StopWatch {
  /** The signal (or 'limit': a step limit) that asked to stop, if any. */
  readonly requested: () => NodeJS.Signals | 'limit' | undefined;
  /** Ask to stop from code (a step limit, a test). */
  readonly request: (why: NodeJS.Signals | 'limit') => void;
  readonly dispose: () => void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const EXIT_CODE: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export function watchStopSignals(onStop: (signal: NodeJS.Signals) => void = () => undefined): StopWatch {
  let requested: NodeJS.Signals | 'limit' | undefined;
  // One handler per signal that knows its name: process.emit(signal) passes no argument.
  const handlers = SIGNALS.map((signal) => {
    const handler = (): void => {
      if (requested !== undefined && requested !== 'limit') process.exit(EXIT_CODE[signal] ?? 1);
      requested = signal;
      onStop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    requested: () => requested,
    request: (why) => {
      requested ??= why;
    },
    dispose: () => {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    },
  };
}

/** The conventional exit code after a signal (128 + its number): 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeOf(signal: NodeJS.Signals | undefined): number {
  return signal === undefined ? 0 : (EXIT_CODE[signal] ?? 1);
}

/**
 * A learner's loop is synchronous between checkpoints: awaiting this now and then lets a pending
 * SIGINT/SIGTERM handler run, so a stop is seen within a few iterations.
 */
export function letSignalsIn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
