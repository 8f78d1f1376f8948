/**
 * The shared memory between PPO's updater and its gradient thread (gradientThread.ts,
 * gradientWorker.ts): the weights, one part of a minibatch in, that part's loss terms and
 * parameter gradient out. SharedArrayBuffers with Atomics rather than messages because the
 * updater's update() is synchronous: it must post the job, compute its own part, and wait for the
 * other part without returning to the event loop (Atomics.wait), as bench/onpolicy.ts measured.
 *
 * Control words (Int32): [0] job (IDLE, WORK, QUIT), [1] jobs finished (the updater waits on it;
 * 1 once the thread is ready, +1 per job), [2] 1 if the last job failed (its message in `error`).
 */
import { PPO_LOSS_TERM_KEYS, type PpoBatch, type PpoCoefficients, type PpoLossTerms } from './loss.ts';

export const JOB = { idle: 0, work: 1, quit: 2 } as const;
export const CONTROL = { job: 0, finished: 1, failed: 2 } as const;
const ERROR_BYTES = 2048;

export interface GradientChannelBuffers {
  readonly control: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly observations: SharedArrayBuffer;
  readonly actions: SharedArrayBuffer;
  /** oldLogProbs, advantages, returns, oldValues: maxRows each. */
  readonly rowFloats: SharedArrayBuffer;
  /** rows, clipRange, clipValueLoss (0/1), valueCoef, entropyCoef. */
  readonly scalars: SharedArrayBuffer;
  readonly terms: SharedArrayBuffer;
  readonly gradient: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
}

export class GradientChannel {
  readonly control: Int32Array;
  readonly weights: Float32Array;
  readonly gradient: Float32Array;
  private readonly observations: Float32Array;
  private readonly actions: Int32Array;
  private readonly rowFloats: Float32Array;
  private readonly scalars: Float64Array;
  private readonly terms: Float64Array;
  private readonly error: Uint8Array;

  constructor(
    readonly buffers: GradientChannelBuffers,
    readonly maxRows: number,
  ) {
    this.control = new Int32Array(buffers.control);
    this.weights = new Float32Array(buffers.weights);
    this.gradient = new Float32Array(buffers.gradient);
    this.observations = new Float32Array(buffers.observations);
    this.actions = new Int32Array(buffers.actions);
    this.rowFloats = new Float32Array(buffers.rowFloats);
    this.scalars = new Float64Array(buffers.scalars);
    this.terms = new Float64Array(buffers.terms);
    this.error = new Uint8Array(buffers.error);
  }

  static allocate(parameterCount: number, maxRows: number, observationSize: number): GradientChannel {
    const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    return new GradientChannel(
      {
        control: shared(3 * 4),
        weights: shared(parameterCount * 4),
        observations: shared(maxRows * observationSize * 4),
        actions: shared(maxRows * 4),
        rowFloats: shared(4 * maxRows * 4),
        scalars: shared(5 * 8),
        terms: shared(PPO_LOSS_TERM_KEYS.length * 8),
        gradient: shared(parameterCount * 4),
        error: shared(ERROR_BYTES),
      },
      maxRows,
    );
  }

  /** Updater side: the job's rows (observations flat, rows x observation size). */
  writeJob(observations: Float32Array, batch: PpoBatch, coefficients: PpoCoefficients): void {
    const rows = batch.actions.length;
    if (rows > this.maxRows) throw new Error(`gradient thread: ${rows} rows, room for ${this.maxRows}`);
    this.observations.set(observations);
    this.actions.set(batch.actions);
    const m = this.maxRows;
    this.rowFloats.set(batch.oldLogProbs, 0);
    this.rowFloats.set(batch.advantages, m);
    this.rowFloats.set(batch.returns, 2 * m);
    this.rowFloats.set(batch.oldValues, 3 * m);
    this.scalars.set([rows, coefficients.clipRange, coefficients.clipValueLoss ? 1 : 0, coefficients.valueCoef, coefficients.entropyCoef]);
  }

  /** Thread side: the job as the loss reads it (copies: the updater may write the next job meanwhile). */
  readJob(observationSize: number): { rows: number; observations: Float32Array; batch: PpoBatch; coefficients: PpoCoefficients } {
    const rows = this.scalars[0] as number;
    const m = this.maxRows;
    return {
      rows,
      observations: this.observations.slice(0, rows * observationSize),
      batch: {
        actions: this.actions.slice(0, rows),
        oldLogProbs: this.rowFloats.slice(0, rows),
        advantages: this.rowFloats.slice(m, m + rows),
        returns: this.rowFloats.slice(2 * m, 2 * m + rows),
        oldValues: this.rowFloats.slice(3 * m, 3 * m + rows),
      },
      coefficients: {
        clipRange: this.scalars[1] as number,
        clipValueLoss: this.scalars[2] === 1,
        valueCoef: this.scalars[3] as number,
        entropyCoef: this.scalars[4] as number,
      },
    };
  }

  writeTerms(terms: PpoLossTerms): void {
    this.terms.set(PPO_LOSS_TERM_KEYS.map((key) => terms[key]));
  }

  readTerms(): PpoLossTerms {
    const values = PPO_LOSS_TERM_KEYS.map((_, k) => this.terms[k] as number);
    return Object.fromEntries(PPO_LOSS_TERM_KEYS.map((key, k) => [key, values[k]])) as unknown as PpoLossTerms;
  }

  writeError(message: string): void {
    const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 1);
    this.error.fill(0);
    this.error.set(bytes);
    Atomics.store(this.control, CONTROL.failed, 1);
  }

  readError(): string {
    const end = this.error.indexOf(0);
    return new TextDecoder().decode(this.error.slice(0, end < 0 ? ERROR_BYTES : end));
  }
}
