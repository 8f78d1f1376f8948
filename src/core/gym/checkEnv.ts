/**
 * Conformance checker for envs (Gymnasium's check_env in spirit): every env's tests call it.
 * Throws an Error naming the first violated rule; returns quietly when the env conforms.
 *
 * Checks: Box observation space and Discrete action space; reset and step observations inside the
 * observation space (dtype, size, range); finite rewards; boolean terminated/truncated; plain info
 * objects; determinism (same seed + same actions -> identical observations, rewards and ends);
 * step() after the episode ended throws (the documented contract of advgym envs); render() returns
 * an RgbFrame whose data has width * height * 3 bytes.
 */
import { Rng } from '../rng.ts';
import type { Env, RgbFrame, StepResult } from './env.ts';
import { Box, Discrete } from './spaces.ts';
import type { BoxArray } from './spaces.ts';

export interface CheckEnvOptions {
  /** Seed for the determinism check and for the random actions. */
  readonly seed?: number;
  /** Agent steps per rollout (default 200); rollouts also stop at the episode's end. */
  readonly steps?: number;
  /** Also run until an episode ends, to check step() after it throws (default true). */
  readonly checkEpisodeEnd?: boolean;
  /** Cap on the steps spent looking for an episode end (default 100000). */
  readonly maxStepsToEnd?: number;
}

class EnvCheckError extends Error {
  constructor(id: string, message: string) {
    super(`checkEnv(${id}): ${message}`);
    this.name = 'EnvCheckError';
  }
}

export function checkEnv(env: Env, options: CheckEnvOptions = {}): void {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 200;
  const fail = (message: string): never => {
    throw new EnvCheckError(env.id, message);
  };
  if (typeof env.id !== 'string' || env.id.length === 0) fail('id must be a non-empty string');
  if (!(env.observationSpace instanceof Box)) fail('observationSpace must be a Box');
  if (!(env.actionSpace instanceof Discrete)) fail('actionSpace must be a Discrete');

  const first = rollout(env, seed, steps, fail);
  const second = rollout(env, seed, steps, fail);
  if (first.length !== second.length) fail(`not deterministic: same seed gave ${first.length} then ${second.length} steps`);
  for (let i = 0; i < first.length; i++) {
    if (first[i] !== second[i]) fail(`not deterministic: same seed ${seed} and actions differ at step ${i}: ${first[i]} vs ${second[i]}`);
  }

  env.reset({ seed });
  checkRender(env.render(), fail);
  if (options.checkEpisodeEnd ?? true) checkStepAfterEnd(env, seed, options.maxStepsToEnd ?? 100_000, fail);
}

/** Runs one seeded episode prefix with seeded random actions; returns one fingerprint per step. */
function rollout(env: Env, seed: number, steps: number, fail: (message: string) => never): string[] {
  const actions = Rng.fromSeed(seed);
  const reset = env.reset({ seed });
  checkObservation(env, reset.observation, 'reset', fail);
  checkInfo(reset.info, 'reset', fail);
  const fingerprints = [`reset ${hashObservation(reset.observation)}`];
  for (let i = 0; i < steps; i++) {
    const action = env.actionSpace.sample(actions);
    const result = env.step(action);
    checkStep(env, result, `step ${i}`, fail);
    fingerprints.push(`${hashObservation(result.observation)} r=${result.reward} t=${result.terminated} u=${result.truncated}`);
    if (result.terminated || result.truncated) break;
  }
  return fingerprints;
}

function checkStep(env: Env, result: StepResult<BoxArray>, where: string, fail: (message: string) => never): void {
  checkObservation(env, result.observation, where, fail);
  if (typeof result.reward !== 'number' || !Number.isFinite(result.reward)) fail(`${where}: reward must be a finite number, got ${result.reward}`);
  if (typeof result.terminated !== 'boolean') fail(`${where}: terminated must be a boolean, got ${String(result.terminated)}`);
  if (typeof result.truncated !== 'boolean') fail(`${where}: truncated must be a boolean, got ${String(result.truncated)}`);
  checkInfo(result.info, where, fail);
}

function checkObservation(env: Env, observation: unknown, where: string, fail: (message: string) => never): void {
  const space = env.observationSpace;
  const expectedType = space.dtype === 'uint8' ? Uint8Array : Float32Array;
  if (!(observation instanceof expectedType)) fail(`${where}: observation must be a ${expectedType.name} (space dtype ${space.dtype})`);
  const array = observation as BoxArray;
  if (array.length !== space.size) fail(`${where}: observation has ${array.length} values, space [${space.shape.join(', ')}] needs ${space.size}`);
  for (let i = 0; i < array.length; i++) {
    const v = array[i] as number;
    if (!(v >= space.low && v <= space.high)) fail(`${where}: observation[${i}] = ${v} is outside [${space.low}, ${space.high}]`);
  }
}

function checkInfo(info: unknown, where: string, fail: (message: string) => never): void {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(`${where}: info must be a plain object`);
}

function checkRender(frame: RgbFrame, fail: (message: string) => never): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) fail(`render: bad size ${width} x ${height}`);
  if (!(data instanceof Uint8Array)) fail('render: data must be a Uint8Array');
  if (data.length !== width * height * 3) fail(`render: data has ${data.length} bytes, ${width} x ${height} RGB needs ${width * height * 3}`);
}

function checkStepAfterEnd(env: Env, seed: number, maxSteps: number, fail: (message: string) => never): void {
  const actions = Rng.fromSeed(seed + 1);
  env.reset({ seed });
  for (let i = 0; i < maxSteps; i++) {
    const result = env.step(env.actionSpace.sample(actions));
    if (!result.terminated && !result.truncated) continue;
    let threw = false;
    try {
      env.step(0);
    } catch {
      threw = true;
    }
    if (!threw) fail('step() after the episode ended must throw (call reset() first)');
    return;
  }
  fail(`no episode ended within ${maxSteps} steps; pass a smaller episode (e.g. a time limit) or checkEpisodeEnd: false`);
}

/** FNV-1a over the observation's bytes: a compact fingerprint for determinism and golden tests. */
export function hashObservation(observation: BoxArray): string {
  const bytes = new Uint8Array(observation.buffer, observation.byteOffset, observation.byteLength);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
