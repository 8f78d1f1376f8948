/** What the main thread and the actor-learner threads tell each other (structured-clone messages). */
import type { A3cConfig } from './config.ts';
import type { SharedBuffers } from './sharedParams.ts';

/** Everything a worker needs to start; passed as workerData. */
export interface WorkerSetup {
  readonly index: number;
  /** Seeds this worker's env resets and action sampling (derived from the run seed). */
  readonly seed: number;
  readonly config: A3cConfig;
  readonly buffers: SharedBuffers;
  readonly inputShape: readonly [number, number, number];
  readonly actionCount: number;
  /**
   * Optional file URL of a module exporting `createEnv(id, options): Env<Float32Array>`, used
   * instead of makeEnv (tests use it for tiny envs and for an env that crashes on purpose).
   */
  readonly envModule?: string;
  /** File URL of a module exporting createObservationHook(options) (agents/training/observationHook.ts ObservationHookModule): adversarial training. */
  readonly observationHookModule?: string;
  /** JSON options for createObservationHook. */
  readonly observationHookOptions?: unknown;
  /** Post a 'stats' message every this many updates, and once more when the worker finishes. */
  readonly statsEveryUpdates: number;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly index: number; readonly backend: string }
  | { readonly type: 'episode'; readonly index: number; readonly return: number; readonly length: number; readonly globalSteps: number }
  | {
      readonly type: 'stats';
      readonly index: number;
      readonly updates: number;
      readonly steps: number;
      /** Sums over the updates since the last stats message (per-step means = sum / steps). */
      readonly policyLoss: number;
      readonly valueLoss: number;
      readonly entropy: number;
      /** tf.memory().numTensors in this thread now: flat over a run, or the learner leaks. */
      readonly tensors: number;
    }
  | { readonly type: 'nan'; readonly index: number; readonly globalSteps: number; readonly what: string }
  | { readonly type: 'error'; readonly index: number; readonly message: string; readonly stack?: string }
  | { readonly type: 'done'; readonly index: number; readonly steps: number };
