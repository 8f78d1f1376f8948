/**
 * A one-step bandit (like tinyEnvs' Contextual-v0) whose reward becomes NaN after
 * options.nanAfterSteps steps, so the loss turns NaN and training must stop without writing over
 * the last checkpoint. Loaded inside the worker threads through TrainA3cOptions.envModule.
 */
import type { Env, RgbFrame, StepResult } from '../../../src/gym/env.ts';
import { Box, Discrete } from '../../../src/gym/spaces.ts';

class NanBandit implements Env<Float32Array> {
  readonly id = 'Nan-v0';
  readonly observationSpace = new Box(0, 1, [1, 1, 2], 'float32');
  readonly actionSpace = new Discrete(2);
  private steps = 0;

  constructor(private readonly nanAfterSteps: number) {}

  reset(): { observation: Float32Array; info: Record<string, unknown> } {
    return { observation: Float32Array.from([1, 0]), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.steps++;
    const reward = this.steps > this.nanAfterSteps ? Number.NaN : action === 0 ? 1 : -1;
    return { observation: Float32Array.from([1, 0]), reward, terminated: true, truncated: false, info: {} };
  }

  render(): RgbFrame {
    return { width: 1, height: 1, data: new Uint8Array(3) };
  }

  close(): void {}
}

export function createEnv(_id: string, options: Record<string, unknown>): Env<Float32Array> {
  return new NanBandit(typeof options['nanAfterSteps'] === 'number' ? options['nanAfterSteps'] : Number.POSITIVE_INFINITY);
}

export const NAN_ENV_MODULE = import.meta.url;
