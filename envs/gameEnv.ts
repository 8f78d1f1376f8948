/**
 * The generic adapter: turns a Game (pure rules over a plain state) into a Gym Env that emits one
 * grayscale frame of shape [size, size, 1] uint8 per emulator frame.
 *
 * The observation of a step is drawn lazily, on first read of `observation`: frame skipping
 * (MaxAndSkip) reads only the last two of its k frames, so the others are never drawn.
 * Reading it twice returns the same array.
 */
import { UserError } from '../src/core/errors.ts';
import type { Env, Info, ResetOptions, ResetResult, RgbFrame, StepResult } from '../src/core/gym/env.ts';
import { Box, Discrete } from '../src/core/gym/spaces.ts';
import { Rng } from '../src/core/rng.ts';
import type { Game } from './game.ts';

/** Seed used when reset() is called without one before any seeded reset: runs stay reproducible. */
export const DEFAULT_SEED = 0;

export class GameEnv<State, Params> implements Env<Uint8Array> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  private rng: Rng | undefined;
  private state: State | undefined;
  private episodeOver = false;

  constructor(
    readonly game: Game<State, Params>,
    readonly params: Params,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 8) throw new UserError(`size: must be an integer >= 8, got ${size}`);
    this.id = game.id;
    this.observationSpace = new Box(0, 255, [size, size, 1], 'uint8');
    this.actionSpace = new Discrete(game.actionNames.length, game.actionNames);
  }

  reset(options: ResetOptions = {}): ResetResult<Uint8Array> {
    if (options.seed !== undefined) this.rng = Rng.fromSeed(options.seed);
    const rng = (this.rng ??= Rng.fromSeed(DEFAULT_SEED));
    const state = this.game.initialState(this.params, rng);
    this.state = state;
    this.episodeOver = false;
    return { observation: this.draw(state), info: this.game.info(state) };
  }

  step(action: number): StepResult<Uint8Array> {
    const { state, rng } = this;
    if (state === undefined || rng === undefined) throw new Error(`${this.id}: step() before reset()`);
    if (this.episodeOver) throw new Error(`${this.id}: step() after the episode ended; call reset()`);
    if (!this.actionSpace.contains(action)) {
      throw new RangeError(`${this.id}: action must be an integer in [0, ${this.actionSpace.n - 1}], got ${action}`);
    }
    const result = this.game.step(state, action, this.params, rng);
    this.state = result.state;
    this.episodeOver = result.terminated;
    return new LazyStepResult(result.reward, result.terminated, this.game.info(result.state), result.state, this);
  }

  render(): RgbFrame {
    if (this.state === undefined) throw new Error(`${this.id}: render() before reset()`);
    return this.game.render(this.state, this.params);
  }

  /** The current game state, for tests and debugging tools. */
  currentState(): State | undefined {
    return this.state;
  }

  close(): void {}

  /** Draws the observation of `state` into a new array. */
  draw(state: State): Uint8Array {
    const out = new Uint8Array(this.size * this.size);
    this.game.observe(state, this.params, out, this.size, this.size);
    return out;
  }
}

/** A step result whose observation is drawn on first read (a prototype getter: cheap to create). */
class LazyStepResult<State> implements StepResult<Uint8Array> {
  readonly truncated = false;
  private drawn: Uint8Array | undefined;

  constructor(
    readonly reward: number,
    readonly terminated: boolean,
    readonly info: Info,
    private readonly state: State,
    private readonly env: GameEnv<State, unknown>,
  ) {}

  get observation(): Uint8Array {
    return (this.drawn ??= this.env.draw(this.state));
  }
}
