/**
 * Training progress: a cli-progress bar (steps, steps/s, recent return, loss, epsilon) on a
 * terminal; one plain line per report when stdout is piped (logs, nohup), so logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface TrainingStatus {
  readonly step: number;
  readonly totalSteps: number;
  readonly episodes: number;
  readonly stepsPerSecond: number;
  readonly recentReturn: number;
  readonly loss: number;
  readonly epsilon: number;
  /** Estimated seconds to totalSteps at the current rate (NaN: unknown). */
  readonly etaSeconds?: number;
}

export interface TrainingProgress {
  update(status: TrainingStatus): void;
  /** A message line that must not be garbled by the bar (evaluations, checkpoints). */
  log(line: string): void;
  stop(): void;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}

export function describeStatus(s: TrainingStatus): string {
  const eta = s.etaSeconds === undefined || !Number.isFinite(s.etaSeconds) || s.step >= s.totalSteps ? '' : ` | ETA ${formatEta(s.etaSeconds)}`;
  return `step ${s.step}/${s.totalSteps} episodes ${s.episodes} | ${fmt(s.stepsPerSecond, 0)} steps/s | recent return ${fmt(s.recentReturn, 2)} | loss ${fmt(s.loss, 4)} | eps ${fmt(s.epsilon, 3)}${eta}`;
}

export function createTrainingProgress(stream: NodeJS.WriteStream = process.stdout): TrainingProgress {
  if (stream.isTTY && !process.env['CI']) {
    const bar = new cliProgress.SingleBar(
      { format: ' {bar} {value}/{total} steps | {sps} steps/s | ETA {etaText} | return {ret} | loss {loss} | eps {eps}', stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(s) {
        const payload = { sps: fmt(s.stepsPerSecond, 0), etaText: formatEta(s.etaSeconds), ret: fmt(s.recentReturn, 2), loss: fmt(s.loss, 4), eps: fmt(s.epsilon, 3) };
        if (!started) bar.start(s.totalSteps, s.step, payload);
        started = true;
        bar.update(s.step, payload);
      },
      log(line) {
        if (started) bar.stop();
        stream.write(`${line}\n`);
        started = false;
      },
      stop: () => bar.stop(),
    };
  }
  return {
    update: (s) => void stream.write(`${new Date().toISOString().slice(11, 19)} ${describeStatus(s)}\n`),
    log: (line) => void stream.write(`${line}\n`),
    stop: () => undefined,
  };
}

/** Mean of the last `window` values (NaN when empty): the "recent return" shown while training. */
export class RecentMean {
  private readonly values: number[] = [];
  constructor(private readonly window = 20) {}
  push(value: number): void {
    this.values.push(value);
    if (this.values.length > this.window) this.values.shift();
  }
  get mean(): number {
    return this.values.length === 0 ? Number.NaN : this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }
  toJSON(): number[] {
    return [...this.values];
  }
  static from(values: readonly number[], window = 20): RecentMean {
    const recent = new RecentMean(window);
    for (const v of values) recent.push(v);
    return recent;
  }
}
