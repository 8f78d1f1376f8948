/**
 * The env registry and `makeEnv`, the one way agents, attacks and experiments get an environment.
 *
 * makeEnv builds: game (uint8 [size, size, 1] frames) -> StickyActions (only if p > 0)
 *   -> MaxAndSkip(frameSkip) -> ScaleObservation (float32 in [0, 1]) -> FrameStack(frameStack)
 *   -> TimeLimit (only if maxEpisodeSteps) -> EpisodeStatistics.
 * The default observation is Float32Array [84 * 84 * 4] in [0, 1], newest frame last.
 *
 * To register a game, add one line `register(yourGame),` to `registeredGames` below.
 */
import { z } from 'zod';
import { UserError } from '../src/core/errors.ts';
import { parseStrict } from '../src/core/validation.ts';
import type { Env } from '../src/core/gym/env.ts';
import { EpisodeStatistics } from '../src/core/gym/wrappers/episodeStatistics.ts';
import { FrameStack } from '../src/core/gym/wrappers/frameStack.ts';
import { MaxAndSkip } from '../src/core/gym/wrappers/maxAndSkip.ts';
import { ScaleObservation } from '../src/core/gym/wrappers/scaleObservation.ts';
import { StickyActions } from '../src/core/gym/wrappers/stickyActions.ts';
import { TimeLimit } from '../src/core/gym/wrappers/timeLimit.ts';
import type { Game, ScriptedAgent } from './game.ts';
import { GameEnv } from './gameEnv.ts';
import { pong } from './pong.ts';
import { seaquest } from './seaquest.ts';

/** A game with its state and params types erased, so games of different types share one registry. */
export interface RegisteredGame {
  readonly id: string;
  readonly description: string;
  readonly actionNames: readonly string[];
  readonly defaultParams: Readonly<Record<string, unknown>>;
  /** The bare game env (one uint8 frame per emulator frame) with params merged over the defaults. */
  makeGameEnv(size: number, params: Readonly<Record<string, unknown>>): Env<Uint8Array>;
  /** What the rules say under these params (merged over the defaults and validated like makeGameEnv's). */
  facts(params: Readonly<Record<string, unknown>>): GameFacts;
}

/** The game's facts that callers above envs/ need, so none of them tests a game id. */
export interface GameFacts {
  readonly id: string;
  readonly actionNames: readonly string[];
  /** The lowest episode return the rules allow (Pong: -pointsToWin; Seaquest: 0). */
  readonly worstReturn: number;
  /** The highest episode return the rules allow; undefined when unbounded (Seaquest's score). */
  readonly bestReturn: number | undefined;
  /** The game's hand-written player for observations of `shape` ([height, width, frames]). */
  scriptedPlayer(shape: readonly number[]): ScriptedAgent;
}

export function register<State, Params extends object>(game: Game<State, Params>): RegisteredGame {
  const resolve = (overrides: Readonly<Record<string, unknown>>): Params => {
    const params = { ...game.defaultParams, ...checkGameParams(game.id, game.defaultParams, overrides) };
    game.validateParams(params);
    return params;
  };
  return {
    id: game.id,
    description: game.description,
    actionNames: game.actionNames,
    defaultParams: game.defaultParams as Readonly<Record<string, unknown>>,
    makeGameEnv: (size, overrides) => new GameEnv(game, resolve(overrides), size),
    facts: (overrides) => {
      const params = resolve(overrides);
      return {
        id: game.id,
        actionNames: game.actionNames,
        worstReturn: game.worstReturn(params),
        bestReturn: game.bestReturn(params),
        scriptedPlayer: (shape) => game.scriptedPlayer(shape, params),
      };
    },
  };
}

const registeredGames: readonly RegisteredGame[] = [
  register(pong),
  register(seaquest),
];

const registry = new Map(registeredGames.map((game) => [game.id, game]));

export interface EnvListing {
  readonly id: string;
  readonly description: string;
  readonly actions: string[];
}

export function listEnvs(): EnvListing[] {
  return registeredGames.map((game) => ({ id: game.id, description: game.description, actions: [...game.actionNames] }));
}

export function findGame(id: string): RegisteredGame {
  const game = registry.get(id);
  if (game === undefined) throw new UserError(`env id: unknown env '${id}'; valid ids: ${[...registry.keys()].join(', ')}`);
  return game;
}

/**
 * The facts of env `id` under `options` (the env options of makeEnv; only `game` params matter):
 * worst and best return, action names, the scripted player. Unknown ids and bad params are
 * UserErrors as in makeEnv.
 */
export function gameFacts(id: string, options: EnvOptions = {}): GameFacts {
  return findGame(id).facts(resolveEnvOptions(options).game);
}

/** The scripted player of env `id` for observations of `shape` (default game params). */
export function scriptedAgentFor(envId: string, shape: readonly number[], options: EnvOptions = {}): ScriptedAgent {
  return gameFacts(envId, options).scriptedPlayer(shape);
}

const envOptionsSchema = z.strictObject({
  /** Emulator frames per agent step; the observation is the max of the last two (DQN: 4). */
  frameSkip: z.int().min(1).max(64).default(4),
  /** Frames stacked into one observation, newest last (DQN: 4). */
  frameStack: z.int().min(1).max(64).default(4),
  /** Observation side in pixels; frames are square (DQN: 84). */
  size: z.int().min(8).max(512).default(84),
  /**
   * Probability of repeating the previous action at each frame (Machado et al. 2018 use 0.25).
   * Default 0: evaluation is deterministic given the seed, as in Huang et al. 2017, so a change
   * in return under attack is the attack's doing, not noise from the env.
   */
  stickyActionProbability: z.number().min(0).max(1).default(0),
  /** Agent steps after which an episode is truncated; unset = only the game's rules end it. */
  maxEpisodeSteps: z.int().min(1).optional(),
  /** Game parameters over the game's defaults, e.g. { pointsToWin: 5 } for Pong-v0. */
  game: z.record(z.string(), z.unknown()).default({}),
});

export type EnvOptions = z.input<typeof envOptionsSchema>;
export type ResolvedEnvOptions = z.output<typeof envOptionsSchema>;

/** Validates env options and fills in defaults; a bad option is a UserError naming it. */
export function resolveEnvOptions(options: unknown): ResolvedEnvOptions {
  return parseStrict(envOptionsSchema, options ?? {}, 'env options');
}

/** Hooks for tools that need more than the observations; agents and experiments pass none. */
export interface MakeEnvHooks {
  /**
   * Wraps the bare game env (one step per emulator frame, under the frame skip) before the
   * standard wrappers, e.g. to watch the game state frame by frame (scripts/pong-lost-points.ts).
   */
  readonly wrapGame?: (game: Env<Uint8Array>) => Env<Uint8Array>;
}

/** Builds a registered env with the standard wrapper stack (see the header). */
export function makeEnv(id: string, options: EnvOptions = {}, hooks: MakeEnvHooks = {}): Env<Float32Array> {
  const game = findGame(id);
  const resolved = resolveEnvOptions(options);
  const bare = game.makeGameEnv(resolved.size, resolved.game);
  let frames: Env<Uint8Array> = hooks.wrapGame === undefined ? bare : hooks.wrapGame(bare);
  if (resolved.stickyActionProbability > 0) frames = new StickyActions(frames, resolved.stickyActionProbability);
  // Scaling before stacking converts each frame once rather than each stacked copy of it.
  const scaled = new ScaleObservation(new MaxAndSkip(frames, resolved.frameSkip));
  let env: Env<Float32Array> = new FrameStack(scaled, resolved.frameStack);
  if (resolved.maxEpisodeSteps !== undefined) env = new TimeLimit(env, resolved.maxEpisodeSteps);
  return new EpisodeStatistics(env);
}

/** Rejects game params the game does not have, or whose type differs from the default's. */
function checkGameParams(
  id: string,
  defaults: object,
  overrides: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const known = defaults as Readonly<Record<string, unknown>>;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in known)) {
      throw new UserError(`game.${key}: unknown parameter for ${id}; valid parameters: ${Object.keys(known).join(', ')}`);
    }
    if (typeof value !== typeof known[key]) {
      throw new UserError(`game.${key}: must be a ${typeof known[key]}, got ${JSON.stringify(value)}`);
    }
  }
  return overrides;
}
