/**
 * training.csv: one row of running statistics per log interval, in the columns the learner names
 * (DQN: step, episodes, recentReturn, evalReturn, loss, epsilon, stepsPerSecond, wallSeconds,
 * learningRate; A3C and BC have their own). A cell that does not apply (evalReturn between
 * evaluations) or is not finite is empty. A resumed run reads the file back, drops the rows after
 * its checkpoint and continues it; columns are matched by header name, so older files whose last
 * columns came later load with those cells empty.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/core/files/atomicWrite.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';

export const DQN_TRAINING_COLUMNS = ['step', 'episodes', 'recentReturn', 'evalReturn', 'loss', 'epsilon', 'stepsPerSecond', 'wallSeconds', 'learningRate'] as const;
/** @deprecated name kept for existing imports: DQN's columns. */
export const TRAINING_COLUMNS = DQN_TRAINING_COLUMNS;
export type TrainingRow = Partial<Record<string, number>>;

export class TrainingLog {
  readonly rows: TrainingRow[] = [];

  constructor(readonly columns: readonly string[] = DQN_TRAINING_COLUMNS) {}

  /** Reads an existing training.csv (a resumed run continues it); missing file = empty log. */
  static load(path: string, columns: readonly string[] = DQN_TRAINING_COLUMNS): TrainingLog {
    const log = new TrainingLog(columns);
    if (!existsSync(path)) return log;
    const [header = '', ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    const names = header.split(',');
    for (const line of lines) {
      const cells = line.split(',');
      const row: TrainingRow = {};
      names.forEach((column, i) => {
        const cell = cells[i];
        if (columns.includes(column) && cell !== undefined && cell !== '' && cell !== 'NaN') row[column] = Number(cell);
      });
      log.rows.push(row);
    }
    return log;
  }

  push(row: TrainingRow): void {
    this.rows.push(row);
  }

  get lastStep(): number | undefined {
    return this.rows.at(-1)?.['step'];
  }

  /** Drops rows after `step` (a resumed run repeats the steps after its checkpoint). */
  truncateAfter(step: number): void {
    const keep = this.rows.filter((row) => (row['step'] ?? 0) <= step);
    this.rows.length = 0;
    this.rows.push(...keep);
  }

  toCsv(): string {
    const cell = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '' : String(value));
    const body = this.rows.map((row) => this.columns.map((c) => cell(row[c])).join(','));
    return `${[this.columns.join(','), ...body].join('\n')}\n`;
  }

  write(path: string): void {
    writeFileAtomic(path, this.toCsv());
  }

  /** The columns' values against steps, skipping empty cells. */
  series(column: string): { x: number[]; y: number[] } {
    const x: number[] = [];
    const y: number[] = [];
    for (const row of this.rows) {
      const value = row[column];
      if (value !== undefined && Number.isFinite(value)) {
        x.push(row['step'] ?? 0);
        y.push(value);
      }
    }
    return { x, y };
  }

  /** Recent training return and greedy evaluation return against agent steps (DQN's curve). */
  renderCurve(title: string): Buffer {
    return renderLinePlot({
      title,
      xLabel: 'agent steps',
      yLabel: 'episode return',
      series: [
        { name: 'training (recent episodes, with exploration)', ...this.series('recentReturn'), points: false },
        { name: 'greedy evaluation', ...this.series('evalReturn'), points: true },
      ],
    });
  }
}
