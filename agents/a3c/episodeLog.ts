/**
 * A3C's episode record, episodes.csv: one row per finished episode (any worker), and the learning
 * curve drawn from it (the workers' episodes are A3C's only view of returns while training; the
 * running statistics go to the harness's training.csv). A resumed run continues the file; a
 * missing one (deleted, or never written) starts an empty record, which the caller reports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { FileError } from '../../src/core/errors.ts';
import { writeFileAtomic } from '../../src/core/files/atomicWrite.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';

export interface EpisodeRecord {
  readonly step: number;
  readonly worker: number;
  readonly return: number;
  readonly length: number;
  readonly wallSeconds: number;
}

export const RECENT_EPISODES = 20;
/** training.csv's columns for A3C (rows written by the harness). */
export const A3C_TRAINING_COLUMNS = ['step', 'wallSeconds', 'stepsPerSecond', 'episodes', 'recentMeanReturn', 'policyLoss', 'valueLoss', 'entropy', 'meanStaleness', 'learningRate'] as const;
const EPISODE_COLUMNS = ['step', 'worker', 'return', 'length', 'wallSeconds'] as const;

export class EpisodeLog {
  readonly episodes: EpisodeRecord[] = [];

  recentMeanReturn(count = RECENT_EPISODES): number {
    const recent = this.episodes.slice(-count);
    return recent.length === 0 ? Number.NaN : recent.reduce((sum, e) => sum + e.return, 0) / recent.length;
  }

  toCsv(): string {
    const lines = [EPISODE_COLUMNS.join(','), ...this.episodes.map((e) => EPISODE_COLUMNS.map((c) => String(e[c])).join(','))];
    return `${lines.join('\n')}\n`;
  }

  write(path: string): void {
    writeFileAtomic(path, this.toCsv());
  }

  /** Drops episodes that ended after `step` (a resumed run repeats the steps after its checkpoint). */
  truncateAfter(step: number): void {
    const keep = this.episodes.filter((e) => e.step <= step);
    this.episodes.length = 0;
    this.episodes.push(...keep);
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

  /** Reads episodes.csv; `missing` is true when there was no file (an empty record). */
  static read(path: string): { log: EpisodeLog; missing: boolean } {
    const log = new EpisodeLog();
    if (!existsSync(path)) return { log, missing: true };
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    if (header !== EPISODE_COLUMNS.join(',')) throw new FileError(path, `unexpected header (expected ${EPISODE_COLUMNS.join(',')})`);
    lines.forEach((line, i) => {
      const cells = line.split(',').map(Number);
      if (cells.length !== EPISODE_COLUMNS.length) throw new FileError(path, `line ${i + 2} has ${cells.length} fields, expected ${EPISODE_COLUMNS.length}`);
      const [step, worker, ret, length, wallSeconds] = cells as [number, number, number, number, number];
      log.episodes.push({ step, worker, return: ret, length, wallSeconds });
    });
    return { log, missing: false };
  }
}
