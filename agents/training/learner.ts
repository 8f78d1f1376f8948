/**
 * What an algorithm plugs into the training harness (harness.ts). The harness owns everything a run
 * has besides learning: the out folder, stop signals, progress, training.csv and the learning curve,
 * checkpoint cadence, grades beside random play, agent.json. A learner owns its networks, its
 * optimizer and its checkpoint files, and runs its own loop, telling the harness each time its step
 * counter moves (RunContext.advance) so the harness can do what is due.
 */
import type { Env } from '../../src/core/gym/env.ts';
import type { Policy } from '../policy.ts';
import type { GradeSettings } from './grade.ts';
import type { TrainingProgress } from './progress.ts';
import type { TrainingLog } from './trainingLog.ts';

/** What the harness keeps across resumes; stored by the learner inside its checkpoint. */
export interface HarnessState {
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
}

/** The learner's statistics at a row (the harness adds step, stepsPerSecond, wallSeconds, evalReturn). */
export interface Metrics {
  readonly episodes: number;
  readonly recentReturn: number;
  readonly loss: number;
  /** Exploration rate, if the learner has one (the progress bar shows '-' otherwise). */
  readonly epsilon?: number;
  /** Learner-specific training.csv cells, by column name. */
  readonly columns: Readonly<Record<string, number>>;
}

export interface Cadence {
  /** Steps between training.csv rows and progress reports. */
  readonly logEvery: number;
  /** Steps between checkpoints (Infinity: only at the end). */
  readonly checkpointEvery: number;
  /** Steps between periodic grades (undefined: none). */
  readonly evaluateEvery?: number | undefined;
  /** Add a row at the run's last step when the cadence did not (A3C, BC do; DQN's rows stay on its interval). */
  readonly rowAtEnd?: boolean;
}

export interface RunContext {
  readonly outDir: string;
  readonly progress: TrainingProgress;
  /** True once SIGINT/SIGTERM or the step limit asked to stop: return from run() soon. */
  stopRequested(): boolean;
  /**
   * The learner's step counter moved to `step`: writes the row (from learner.metrics()), periodic
   * grade and checkpoint that are due (crossing a multiple of their interval). Awaited by synchronous loops; a learner whose
   * workers run on (A3C) may call it from a timer, the harness serializes the calls.
   */
  advance(step: number): Promise<void>;
  /** Log line that does not garble the progress bar. */
  log(line: string): void;
  /** Training wall time so far, over all resumed segments. */
  wallSeconds(): number;
}

export interface StartResult {
  /** The step the run starts at (0 when fresh). */
  readonly step: number;
  readonly harness: HarnessState;
}

/** What start() returns for a run from scratch: step 0, no wall time yet, no grade yet. */
export const FRESH_START: StartResult = { step: 0, harness: { wallSeconds: 0, bestEvalReturn: null } };

export interface Learner {
  readonly algorithm: string;
  readonly totalSteps: number;
  /** training.csv's columns (step, stepsPerSecond and wallSeconds among them as the learner wants). */
  readonly columns: readonly string[];
  readonly cadence: Cadence;
  readonly grading: GradeSettings;
  /** The title of learning-curve.png. */
  readonly title: string;
  /** The checkpoint is the model folder itself (A3C): the harness writes model files and agent.json at each checkpoint. */
  readonly checkpointIsModelFolder?: boolean;
  /** The env's description for agent.json. */
  readonly envDescription: { readonly id: string; readonly options: unknown };
  /** A fresh env like the training one (grades, agent.json's shapes). */
  makeEnv(): Env<Float32Array>;
  /** Whether `outDir` holds a checkpoint this learner can resume. */
  hasCheckpoint(outDir: string): boolean;
  /** Builds fresh state, or restores it from outDir's checkpoint when `resume`. */
  start(outDir: string, resume: boolean, log: (line: string) => void): Promise<StartResult>;
  /** Trains until totalSteps or until ctx.stopRequested(). Throws NonFiniteLossError on a NaN. */
  run(ctx: RunContext): Promise<void>;
  /** The step counter now. */
  readonly step: number;
  /** The statistics for a training.csv row and the progress display, now. */
  metrics(): Metrics;
  saveCheckpoint(outDir: string, harness: HarnessState): Promise<void>;
  /** model.json + weights.bin (+ config.json) of the current policy into dir. */
  saveModel(dir: string): Promise<void>;
  /** The policy to grade (owned by the learner). */
  policy(): Policy;
  /** agent.json fields of the learner's own (updates, workers, teacher, ...). */
  agentFields(): Record<string, unknown>;
  /** The backend the learning ran on (A3C: the workers'). */
  backendName(): string;
  /** learning-curve.png from the log (default: recentReturn and evalReturn columns). */
  renderCurve?(log: TrainingLog): Buffer;
  /** Called once the run ended, whatever happened. */
  dispose(): void;
}

/** A learner's loss became NaN/Inf: the harness stops without a checkpoint, so the last good one stays. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly value: number,
    readonly hint = '',
  ) {
    super(`loss became ${value} at step ${step}`);
    this.name = 'NonFiniteLossError';
  }
}
