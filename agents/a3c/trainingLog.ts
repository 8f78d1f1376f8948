/**
 * The A3C training record: one row per finished episode (episodes.csv) and one row of running
 * statistics every `logEverySteps` env steps (training.csv), plus the learning curve drawn from
 * them. Both CSVs are read back on --resume so a resumed run continues the same files.
 */
import { readFileSync } from 'node:fs';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';
import { FileError } from '../../src/core/errors.ts';

export interface EpisodeRecord {
  readonly step: number;
  readonly worker: number;
  readonly return: number;
  readonly length: number;
  readonly wallSeconds: number;
}

export interface LogRow {
  readonly step: number;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  readonly episodes: number;
  /** Mean return of the last RECENT_EPISODES finished episodes (NaN before the first). */
  readonly recentMeanReturn: number;
  /** Per-step means over the updates since the previous row. */
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly meanStaleness: number;
  readonly learningRate: number;
}

export const RECENT_EPISODES = 20;
const EPISODE_COLUMNS = ['step', 'worker', 'return', 'length', 'wallSeconds'] as const;
const ROW_COLUMNS = ['step', 'wallSeconds', 'stepsPerSecond', 'episodes', 'recentMeanReturn', 'policyLoss', 'valueLoss', 'entropy', 'meanStaleness', 'learningRate'] as const;

export class TrainingLog {
  readonly episodes: EpisodeRecord[] = [];
  readonly rows: LogRow[] = [];

  recentMeanReturn(count = RECENT_EPISODES): number {
    const recent = this.episodes.slice(-count);
    return recent.length === 0 ? Number.NaN : recent.reduce((sum, e) => sum + e.return, 0) / recent.length;
  }

  episodesCsv(): string {
    return toCsv(EPISODE_COLUMNS, this.episodes);
  }

  trainingCsv(): string {
    return toCsv(ROW_COLUMNS, this.rows);
  }

  /**
   * Learning curve: each episode's return (thin) and the running mean of the last 20 (thick). The
   * mean is listed first so it is drawn on top of the noisy per-episode line, not hidden under it.
   */
  learningCurvePng(title: string): Buffer {
    const steps = this.episodes.map((e) => e.step);
    const returns = this.episodes.map((e) => e.return);
    const running = this.episodes.map((_, i) => {
      const window = this.episodes.slice(Math.max(0, i + 1 - RECENT_EPISODES), i + 1);
      return window.reduce((sum, e) => sum + e.return, 0) / window.length;
    });
    return renderLinePlot({
      title,
      xLabel: 'env steps (all workers)',
      yLabel: 'episode return',
      series: [
        { name: `mean of last ${RECENT_EPISODES}`, x: steps, y: running, color: '#D55E00', points: false, lineWidth: 3 },
        { name: 'episode return', x: steps, y: returns, color: '#56B4E9', points: false, lineWidth: 1 },
      ],
    });
  }

  /** Reads the CSVs a previous run wrote (for --resume). */
  static read(episodesPath: string, trainingPath: string): TrainingLog {
    const log = new TrainingLog();
    log.episodes.push(...fromCsv(episodesPath, EPISODE_COLUMNS));
    log.rows.push(...fromCsv(trainingPath, ROW_COLUMNS));
    return log;
  }
}

function toCsv<K extends string>(columns: readonly K[], records: readonly Readonly<Record<K, number>>[]): string {
  const lines = [columns.join(','), ...records.map((r) => columns.map((c) => String(r[c])).join(','))];
  return `${lines.join('\n')}\n`;
}

function fromCsv<K extends string>(path: string, columns: readonly K[]): Record<K, number>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FileError(path, 'missing: cannot resume without the training log');
  }
  const [header, ...lines] = text.trim().split('\n');
  if (header !== columns.join(',')) throw new FileError(path, `unexpected header (expected ${columns.join(',')})`);
  return lines.map((line, i) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== columns.length) throw new FileError(path, `line ${i + 2} has ${cells.length} fields, expected ${columns.length}`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j] as number])) as Record<K, number>;
  });
}
