/**
 * Tiny envs for A3C worker tests, loaded inside worker threads through WorkerSetup.envModule:
 *
 * - 'Contextual-v0': a one-step contextual bandit. The observation (shape [1,1,2]) is a one-hot
 *   context c in {0,1}; action c pays +1, the other action -1, and the episode ends. The optimal
 *   greedy policy is action = context, which a learner finds in a few hundred steps.
 * - 'Crash-v0': the same bandit, but in the worker thread numbered options.crashWorker (default 1)
 *   step number options.crashAtStep (default 20) throws, so tests can check how training handles
 *   one worker that fails while the others run on.
 * - 'Hang-v0': the same bandit, but step number options.hangAtStep (default 20) spins forever in
 *   every worker, so tests can check that a stuck run is detected and its threads terminated.
 * - 'NaN-v0': the same bandit, but from step options.nanAtStep (default 20) on it pays a NaN
 *   reward, so tests can check that a non-finite loss stops training.
 */
import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../../../src/core/gym/env.ts';
import { Box, Discrete } from '../../../src/core/gym/spaces.ts';
import { Rng } from '../../../src/core/rng.ts';
import { workerData } from 'node:worker_threads';

export const TINY_INPUT_SHAPE = [1, 1, 2] as const;

class ContextualBandit implements Env<Float32Array> {
  readonly observationSpace = new Box(0, 1, [...TINY_INPUT_SHAPE], 'float32');
  readonly actionSpace = new Discrete(2, ['ZERO', 'ONE']);
  private rng = Rng.fromSeed(0);
  private context = 0;
  private steps = 0;

  constructor(
    readonly id: string,
    private readonly crashAtStep: number,
    private readonly hangAtStep = Number.POSITIVE_INFINITY,
    private readonly nanAtStep = Number.POSITIVE_INFINITY,
  ) {}

  private observe(): Float32Array {
    this.context = this.rng.int(0, 1);
    const observation = new Float32Array(2);
    observation[this.context] = 1;
    return observation;
  }

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    if (options?.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    return { observation: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.steps++;
    if (this.steps === this.crashAtStep) throw new Error(`${this.id}: injected crash at step ${this.steps}`);
    if (this.steps === this.hangAtStep) for (;;) this.steps += 0;
    const reward = this.steps >= this.nanAtStep ? Number.NaN : action === this.context ? 1 : -1;
    return { observation: this.observe(), reward, terminated: true, truncated: false, info: {} };
  }

  render(): RgbFrame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }

  close(): void {}
}

export function createEnv(id: string, options: Record<string, unknown>): Env<Float32Array> {
  if (id === 'Contextual-v0') return new ContextualBandit(id, Number.POSITIVE_INFINITY);
  if (id === 'Crash-v0') {
    const crashWorker = typeof options['crashWorker'] === 'number' ? options['crashWorker'] : 1;
    const thisWorker = (workerData as { index?: number } | null)?.index;
    const crashAtStep = typeof options['crashAtStep'] === 'number' ? options['crashAtStep'] : 20;
    return new ContextualBandit(id, thisWorker === crashWorker ? crashAtStep : Number.POSITIVE_INFINITY);
  }
  if (id === 'Hang-v0') return new ContextualBandit(id, Number.POSITIVE_INFINITY, typeof options['hangAtStep'] === 'number' ? options['hangAtStep'] : 20);
  if (id === 'NaN-v0') return new ContextualBandit(id, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, typeof options['nanAtStep'] === 'number' ? options['nanAtStep'] : 20);
  throw new Error(`tinyEnvs: unknown env ${id}`);
}

/** URL for WorkerSetup.envModule / runA3c's envModule. */
export const TINY_ENVS_MODULE = import.meta.url;
