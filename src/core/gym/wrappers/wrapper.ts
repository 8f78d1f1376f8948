/**
 * Base class for wrappers: delegates everything to the wrapped env, so a wrapper overrides only
 * the one thing it changes (Gymnasium style).
 */
import type { Env, ResetOptions, ResetResult, RgbFrame, StepResult } from '../env.ts';
import type { Box, BoxArray, Discrete } from '../spaces.ts';

export abstract class Wrapper<InObs extends BoxArray, OutObs extends BoxArray> implements Env<OutObs> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;

  constructor(readonly env: Env<InObs>) {
    this.id = env.id;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
  }

  abstract reset(options?: ResetOptions): ResetResult<OutObs>;
  abstract step(action: number): StepResult<OutObs>;

  render(): RgbFrame {
    return this.env.render();
  }

  close(): void {
    this.env.close();
  }
}
