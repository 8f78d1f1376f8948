/** What the main thread and the unit threads tell each other (structured-clone messages). */
import type { BackendChoice } from '../../core/tensor/backend.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import type { UnitResult, WorkUnit } from '../experiment/units.ts';
import type { RunModels } from './modelRef.ts';

/** workerData: every unit thread of a process uses the backend its main thread chose. */
export interface ThreadSetup {
  readonly backend: BackendChoice;
  /** Measure each unit's thread CPU time (bench/sweepProfile.ts). */
  readonly profile: boolean;
}

export interface UnitTask {
  readonly id: number;
  readonly config: ExperimentConfig;
  readonly models: RunModels;
  readonly unit: WorkUnit;
}

/**
 * Where a thread's time went for one unit (epoch ms: performance.timeOrigin + now(), comparable
 * across threads): for bench/sweepProfile.ts and the pool's timing listener, never in a result.
 */
export interface UnitTiming {
  /** The thread took the task (it may have waited for the backend). */
  readonly received: number;
  /** The backend was up and the run's models loaded: the unit starts. */
  readonly started: number;
  readonly ended: number;
  /** The thread's CPU time over the unit (threadCpu.ts; NaN without /proc, 0 unless profiling). */
  readonly cpuMs: number;
}

export type ThreadReply =
  /** The thread's backend is up: it runs units from now on (its start takes ~1.5 s: tsx, tfjs). */
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: UnitResult; readonly timing: UnitTiming }
  /** id -1: the thread could not start (backend); exitCode as UserError's (2: the user's input). */
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly exitCode: number };
