/**
 * training.csv rows and the learning-curve.png drawn from them. Shared by DQN and A3C so both
 * write the same columns (step, episodes, recentReturn, evalReturn, loss, epsilon, stepsPerSecond,
 * wallSeconds, learningRate); a column that does not apply (epsilon for A3C, evalReturn between
 * evals) is empty. learningRate came last and later: older files load with it empty.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/core/files/atomicWrite.ts';
import { renderLinePlot } from '../../src/core/plot/linePlot.ts';

export const TRAINING_COLUMNS = ['step', 'episodes', 'recentReturn', 'evalReturn', 'loss', 'epsilon', 'stepsPerSecond', 'wallSeconds', 'learningRate'] as const;
export type TrainingRow = Partial<Record<(typeof TRAINING_COLUMNS)[number], number>>;

export class TrainingLog {
  readonly rows: TrainingRow[] = [];

  /** Reads an existing training.csv (a resumed run continues it); missing file = empty log. */
  static load(path: string): TrainingLog {
    const log = new TrainingLog();
    if (!existsSync(path)) return log;
    const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const cells = line.split(',');
      const row: TrainingRow = {};
      TRAINING_COLUMNS.forEach((column, i) => {
        const cell = cells[i];
        if (cell !== undefined && cell !== '') row[column] = Number(cell);
      });
      log.rows.push(row);
    }
    return log;
  }

  push(row: TrainingRow): void {
    this.rows.push(row);
  }

  /** Drops rows after `step` (a resumed run repeats the steps after its checkpoint). */
  truncateAfter(step: number): void {
    const keep = this.rows.filter((row) => (row.step ?? 0) <= step);
    this.rows.length = 0;
    this.rows.push(...keep);
  }

  toCsv(): string {
    const body = this.rows.map((row) => TRAINING_COLUMNS.map((c) => (row[c] === undefined || !Number.isFinite(row[c]) ? '' : String(row[c]))).join(','));
    return `${[TRAINING_COLUMNS.join(','), ...body].join('\n')}\n`;
  }

  write(path: string): void {
    writeFileAtomic(path, this.toCsv());
  }

  /** Recent training return and greedy evaluation return against agent steps. */
  renderCurve(title: string): Buffer {
    const pick = (column: 'recentReturn' | 'evalReturn'): { x: number[]; y: number[] } => {
      const x: number[] = [];
      const y: number[] = [];
      for (const row of this.rows) {
        const value = row[column];
        if (value !== undefined && Number.isFinite(value)) {
          x.push(row.step ?? 0);
          y.push(value);
        }
      }
      return { x, y };
    };
    const recent = pick('recentReturn');
    const evaluation = pick('evalReturn');
    return renderLinePlot({
      title,
      xLabel: 'agent steps',
      yLabel: 'episode return',
      series: [
        { name: 'training (recent episodes, with exploration)', ...recent, points: false },
        { name: 'greedy evaluation', ...evaluation, points: true },
      ],
    });
  }
}
