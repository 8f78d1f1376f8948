/**
 * The main-thread side of A3C: allocates the shared parameters (Hogwild, see sharedParams.ts),
 * starts N actor-learner threads with seeds derived from the run seed, watches them, and returns
 * the trained parameter vector with throughput and staleness numbers.
 *
 * Failure handling: a worker that throws (or exits without finishing, or reports a NaN loss) stops
 * the run: the other workers are asked to stop, then terminated after a short grace period, and
 * runA3c rejects with an A3cWorkerError naming the worker and its message. Nothing is written here,
 * so a checkpoint written earlier by the caller stays as it was. A watchdog rejects the run when no
 * worker reports anything and the global step count stands still for `stallTimeoutMs`.
 *
 * Determinism: the seeds fix the initial weights and every worker's env and action sampling, but
 * the order in which asynchronous updates land depends on thread scheduling, so two runs with the
 * same seed are not bit-identical when workers > 1 (as in the paper).
 */
import type { Worker } from 'node:worker_threads';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/core/rng.ts';
import { buildActorCritic } from '../networks.ts';
import type { A3cConfig } from './config.ts';
import type { WorkerMessage, WorkerSetup } from './protocol.ts';
import { SharedParams, parameterCount } from './sharedParams.ts';
import { spawnActorLearner } from './spawn.ts';
import { stallWatch } from './stallWatch.ts';
import type { ObservationHookModule } from '../training/observationHook.ts';

/** How often the main thread checks the run for a stall (stallWatch.ts needs the same period). */
const WATCHDOG_TICK_MS = 1000;

/** The run failed: a worker (workerIndex) threw, exited early or hit a NaN, or (undefined) it stalled. */
export class A3cWorkerError extends Error {
  constructor(
    readonly workerIndex: number | undefined,
    detail: string,
  ) {
    super(workerIndex === undefined ? `A3C run failed: ${detail}` : `A3C worker ${workerIndex} failed: ${detail}`);
    this.name = 'A3cWorkerError';
  }
}

export interface EpisodeReport {
  readonly worker: number;
  readonly return: number;
  readonly length: number;
  readonly globalSteps: number;
}

export interface A3cRunOptions {
  readonly config: A3cConfig;
  readonly workers: number;
  readonly inputShape: readonly [number, number, number];
  readonly actionCount: number;
  /** Resume: parameters, RMSProp statistics and step count of a checkpoint. */
  readonly resume?: { readonly weights: Float32Array; readonly meanSquare: Float32Array; readonly steps: number };
  /** Module exporting createEnv(id, options) to use instead of makeEnv (tests). */
  readonly envModule?: string;
  /** The training-observation hook's module route (adversarial training), imported by each worker. */
  readonly observationHookModule?: ObservationHookModule;
  readonly statsEveryUpdates?: number;
  /** A run with no worker message and no step progress for this long fails (default 120 s). */
  readonly stallTimeoutMs?: number;
  /** After a failure, workers get this long to stop by themselves before being terminated. */
  readonly stopGraceMs?: number;
  readonly onEpisode?: (episode: EpisodeReport) => void;
  readonly onStats?: (stats: Extract<WorkerMessage, { type: 'stats' }>) => void;
  /** Called about once a second with the live shared parameters (logging, checkpoints). */
  readonly onTick?: (shared: SharedParams) => void;
}

export interface A3cRunResult {
  readonly weights: Float32Array;
  readonly meanSquare: Float32Array;
  readonly steps: number;
  readonly updates: number;
  /** Updates applied by other workers between a worker's weight read and its own update. */
  readonly meanStaleness: number;
  /** Env steps per second from the moment every worker was ready to the end. */
  readonly stepsPerSecond: number;
  readonly seconds: number;
  readonly backends: readonly string[];
}

/** The run's initial weights (seeded) and one seed per worker, all from the run seed. */
export function deriveSeeds(seed: number, workers: number): { initSeed: number; workerSeeds: number[] } {
  const rng = Rng.fromSeed(seed);
  const initSeed = rng.seed();
  return { initSeed, workerSeeds: Array.from({ length: workers }, () => rng.seed()) };
}

/** Builds the actor-critic with the run's seeded initial weights (tf backend must be ready). */
export function buildInitialModel(options: Pick<A3cRunOptions, 'config' | 'inputShape' | 'actionCount'>): tfl.LayersModel {
  return buildActorCritic(options.inputShape, options.actionCount, deriveSeeds(options.config.seed, 0).initSeed, options.config.network);
}

export async function runA3c(options: A3cRunOptions): Promise<A3cRunResult> {
  const { config, workers: count } = options;
  const model = buildInitialModel(options);
  const shared = SharedParams.allocate(parameterCount(model));
  shared.copyFrom(model);
  model.dispose();
  if (options.resume !== undefined) {
    shared.theta.set(options.resume.weights);
    shared.meanSquare.set(options.resume.meanSquare);
    shared.setGlobalSteps(options.resume.steps);
  }
  const startSteps = shared.globalSteps();
  const { workerSeeds } = deriveSeeds(config.seed, count);
  const stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
  const stopGraceMs = options.stopGraceMs ?? 5_000;

  return new Promise<A3cRunResult>((resolve, reject) => {
    const threads: Worker[] = [];
    const finished = new Set<number>();
    const exited = new Set<number>();
    const backends: string[] = [];
    let ready = 0;
    let readyAt = performance.now();
    let failure: A3cWorkerError | undefined;
    const watch = stallWatch(startSteps, stallTimeoutMs, WATCHDOG_TICK_MS, performance.now());
    let settled = false;

    const settle = (): void => {
      if (settled || exited.size < count) return;
      settled = true;
      clearInterval(watchdog);
      clearTimeout(graceTimer);
      if (failure !== undefined) return reject(failure);
      const seconds = (performance.now() - readyAt) / 1000;
      const steps = shared.globalSteps();
      resolve({
        weights: shared.theta.slice(),
        meanSquare: shared.meanSquare.slice(),
        steps,
        updates: shared.updates(),
        meanStaleness: shared.meanStaleness(),
        stepsPerSecond: (steps - startSteps) / Math.max(seconds, 1e-9),
        seconds,
        backends,
      });
    };

    let graceTimer: NodeJS.Timeout | undefined;
    const fail = (index: number | undefined, detail: string): void => {
      if (failure !== undefined) return;
      failure = new A3cWorkerError(index, detail);
      shared.requestStop();
      // Workers check the stop flag between rollouts; one stuck in a long step is terminated.
      graceTimer = setTimeout(() => threads.forEach((t) => void t.terminate()), stopGraceMs);
    };

    const watchdog = setInterval(() => {
      const stalled = watch.tick(performance.now(), shared.globalSteps());
      if (failure === undefined) options.onTick?.(shared);
      if (stalled) {
        fail(undefined, `no worker message and no env step for ${Math.round(stallTimeoutMs / 1000)} s; workers terminated`);
        threads.forEach((t) => void t.terminate());
      }
    }, WATCHDOG_TICK_MS);

    for (let index = 0; index < count; index++) {
      const setup: WorkerSetup = {
        index,
        seed: workerSeeds[index] as number,
        config,
        buffers: shared.buffers,
        inputShape: options.inputShape,
        actionCount: options.actionCount,
        statsEveryUpdates: options.statsEveryUpdates ?? 100,
        ...(options.envModule === undefined ? {} : { envModule: options.envModule }),
        ...(options.observationHookModule === undefined ? {} : { observationHookModule: options.observationHookModule.url, observationHookOptions: options.observationHookModule.options }),
      };
      const thread = spawnActorLearner(setup);
      threads.push(thread);
      thread.on('message', (message: WorkerMessage) => {
        watch.activity(performance.now());
        switch (message.type) {
          case 'ready':
            backends[message.index] = message.backend;
            if (++ready === count) readyAt = performance.now();
            break;
          case 'episode':
            options.onEpisode?.({ worker: message.index, return: message.return, length: message.length, globalSteps: message.globalSteps });
            break;
          case 'stats':
            options.onStats?.(message);
            break;
          case 'nan':
            fail(message.index, `non-finite ${message.what} at step ${message.globalSteps}`);
            break;
          case 'error':
            fail(message.index, message.message);
            break;
          case 'done':
            finished.add(message.index);
            break;
        }
      });
      thread.on('error', (error) => fail(index, error.message));
      thread.on('exit', (code) => {
        exited.add(index);
        if (!finished.has(index)) fail(index, `thread exited (code ${code}) before finishing`);
        settle();
      });
    }
  });
}
