/** What the main thread and the unit threads tell each other (structured-clone messages). */
import type { BackendChoice } from '../../core/tensor/backend.ts';
import type { ExperimentConfig } from '../experiment/config.ts';
import type { UnitResult, WorkUnit } from '../experiment/units.ts';
import type { RunModels } from './modelRef.ts';

/** workerData: every unit thread of a process uses the backend its main thread chose. */
export interface ThreadSetup {
  readonly backend: BackendChoice;
}

export interface UnitTask {
  readonly id: number;
  readonly config: ExperimentConfig;
  readonly models: RunModels;
  readonly unit: WorkUnit;
}

export type ThreadReply =
  | { readonly type: 'result'; readonly id: number; readonly result: UnitResult }
  /** id -1: the thread could not start (backend); exitCode as UserError's (2: the user's input). */
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly exitCode: number };
