/**
 * A3C training (Mnih et al. 2016, "A3C FF"): N actor-learner worker threads, each with its own
 * env copy and seed, update shared parameters asynchronously (Hogwild with shared RMSProp, see
 * sharedParams.ts). The main thread only supervises: it logs, draws the learning curve, writes
 * atomic checkpoints, stops everything on a worker error or a NaN, and evaluates at the end.
 *
 * Reproducibility: the run seed fixes the weight init and every worker's env and sampling seeds,
 * but asynchronous updates interleave differently from run to run (thread scheduling), so two runs
 * with the same seed are not bit-identical once there is more than one worker. With one worker
 * the update order is fixed; only float summation inside kernels could differ across backends.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { makeEnv, type EnvOptions } from '../../envs/index.ts';
import { UserError } from '../../src/errors.ts';
import type { Env } from '../../src/gym/env.ts';
import { Rng } from '../../src/rng.ts';
import { initBackend } from '../../src/tensor/backend.ts';
import { evaluate, evaluateRandom } from '../evaluate.ts';
import { LayersPolicy } from '../layersPolicy.ts';
import { buildActorCritic } from '../networks.ts';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type A3cState, type AgentFields } from './checkpoint.ts';
import type { A3cConfig } from './config.ts';
import type { WorkerMessage } from './protocol.ts';
import { COUNTER, SharedParams, parameterCount, writeFlatWeights } from './sharedParams.ts';
import { spawnActorLearner } from './spawn.ts';
import { TrainingLog } from './trainingLog.ts';

export interface TrainA3cOptions {
  /** The model folder to write (and to resume from). */
  readonly outDir: string;
  /** Continue from the checkpoint in outDir (weights, RMSProp statistics, counters, logs). */
  readonly resume?: boolean;
  /** Replace a model already in outDir instead of refusing. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  /** File URL of a module exporting createEnv(id, options) to use instead of makeEnv (tests). */
  readonly envModule?: string;
  /** Supervisor tick in milliseconds. */
  readonly pollMs?: number;
  /** Give up if a worker is not ready after this many seconds. */
  readonly readyTimeoutSeconds?: number;
  /** Give up if the global step count does not move for this many seconds. */
  readonly stallTimeoutSeconds?: number;
}

export interface A3cResult {
  readonly workers: number;
  readonly globalSteps: number;
  /** Steps taken by this run (excludes steps of the run it resumed). */
  readonly stepsThisRun: number;
  readonly secondsThisRun: number;
  /** stepsThisRun / secondsThisRun, counted from the moment every worker was ready. */
  readonly stepsPerSecond: number;
  readonly meanStaleness: number;
  readonly episodes: number;
  readonly recentMeanReturn: number;
  readonly interrupted: boolean;
  readonly evaluation?: { readonly episodes: number; readonly meanReturn: number; readonly stdReturn: number; readonly seed: number };
}

/** A failure of the training run itself (worker error, NaN, hang): exit code 1, not a usage error. */
export class A3cTrainingError extends Error {
  override readonly name = 'A3cTrainingError';
}

type CreateEnv = (id: string, options: Record<string, unknown>) => Env<Float32Array>;

async function envFactory(config: A3cConfig, envModule: string | undefined): Promise<() => Env<Float32Array>> {
  if (envModule === undefined) return () => makeEnv(config.env, config.envOptions as EnvOptions);
  const module = (await import(envModule)) as { createEnv?: CreateEnv };
  const create = module.createEnv;
  if (typeof create !== 'function') throw new UserError(`${envModule}: exports no createEnv(id, options)`);
  return () => create(config.env, config.envOptions);
}

export async function trainA3c(config: A3cConfig, options: TrainA3cOptions): Promise<A3cResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pollMs = options.pollMs ?? 500;
  const workerCount = config.workers ?? availableParallelism();
  const dir = options.outDir;
  await initBackend(config.backend);
  const createEnv = await envFactory(config, options.envModule);
  const probe = createEnv();
  const inputShape = probe.observationSpace.shape as [number, number, number];
  if (inputShape.length !== 3) throw new UserError(`env ${config.env}: observation must be [H, W, k], got [${inputShape.join(', ')}]`);
  const actionCount = probe.actionSpace.n;
  const actionNames = probe.actionSpace.actionNames;
  probe.close();

  const runRng = Rng.fromSeed(config.seed);
  let model = buildActorCritic(inputShape, actionCount, runRng.seed(), config.network);
  const shared = SharedParams.allocate(parameterCount(model));
  let trainingLog = new TrainingLog();
  let previous: A3cState | undefined;
  if (options.resume) {
    if (!hasCheckpoint(dir)) throw new UserError(`--resume: ${dir} holds no A3C checkpoint (a3c-state.json)`);
    const loaded = await loadCheckpoint(dir);
    const old = loaded.config as Partial<A3cConfig>;
    if (old.env !== config.env || old.network !== config.network) {
      throw new UserError(`--resume: ${dir} was trained with env ${String(old.env)} and network ${String(old.network)}, not ${config.env} and ${config.network}`);
    }
    if (loaded.state.parameterCount !== shared.size) throw new UserError(`--resume: ${dir} has ${loaded.state.parameterCount} parameters, this config builds ${shared.size}`);
    model.dispose();
    model = loaded.model;
    shared.meanSquare.set(loaded.meanSquare);
    shared.setGlobalSteps(loaded.state.globalSteps);
    Atomics.store(shared.counters, COUNTER.updates, loaded.state.updates);
    trainingLog = loaded.log;
    previous = loaded.state;
    if (loaded.state.globalSteps >= config.totalSteps) throw new UserError(`--steps: ${dir} has already trained ${loaded.state.globalSteps} steps; ask for more than that to resume`);
  } else if (existsSync(join(dir, 'model.json')) && !options.force) {
    throw new UserError(`--out: ${dir} already holds a model; pass --resume to continue it or --force to replace it`);
  }
  shared.copyFrom(model);

  const segment = previous === undefined ? 0 : previous.segments;
  // Each run segment (the first, then every resume) draws fresh worker seeds, so a resumed run
  // does not replay the episodes it already trained on.
  const seedRng = segment === 0 ? runRng : Rng.fromSeed((config.seed ^ Math.imul(segment, 0x9e3779b1)) | 0);
  const startSteps = shared.globalSteps();
  const wallOffset = previous?.wallTimeSeconds ?? 0;
  const started = performance.now();
  const wall = (): number => wallOffset + (performance.now() - started) / 1000;
  let backendName = '';

  const agentFields = (extra: AgentFields = {}): AgentFields => ({
    env: { id: config.env, options: config.envOptions },
    inputShape,
    actionCount,
    actionNames,
    backend: backendName,
    workers: workerCount,
    meanStaleness: shared.meanStaleness(),
    determinism: 'asynchronous updates: the seed fixes init and env/sampling seeds, not the update interleaving',
    ...extra,
  });
  const state = (): A3cState => ({
    format: 'advgym-a3c-state',
    globalSteps: shared.globalSteps(),
    updates: shared.updates(),
    wallTimeSeconds: wall(),
    parameterCount: shared.size,
    segments: segment + 1,
  });
  const checkpoint = async (extra?: AgentFields): Promise<void> => {
    await saveCheckpoint(dir, model, { theta: shared.theta.slice(), meanSquare: shared.meanSquare.slice() }, state(), trainingLog, config, agentFields(extra));
  };

  // --- workers -------------------------------------------------------------------------------
  let failure: string | undefined;
  const ready = new Array<boolean>(workerCount).fill(false);
  const done = new Array<boolean>(workerCount).fill(false);
  const pending = { steps: 0, policyLoss: 0, valueLoss: 0, entropy: 0 };
  const workers: Worker[] = [];
  const exits: Promise<void>[] = [];
  let exited = 0;
  const onMessage = (message: WorkerMessage): void => {
    switch (message.type) {
      case 'ready':
        ready[message.index] = true;
        backendName = message.backend;
        break;
      case 'episode':
        trainingLog.episodes.push({ step: message.globalSteps, worker: message.index, return: message.return, length: message.length, wallSeconds: wall() });
        break;
      case 'stats':
        pending.steps += message.steps;
        pending.policyLoss += message.policyLoss;
        pending.valueLoss += message.valueLoss;
        pending.entropy += message.entropy;
        break;
      case 'nan':
        failure ??= `A3C: ${message.what} in worker ${message.index} near step ${message.globalSteps}; training stopped`;
        break;
      case 'error':
        failure ??= `A3C worker ${message.index} failed: ${message.message}`;
        break;
      case 'done':
        done[message.index] = true;
        break;
    }
  };
  for (let index = 0; index < workerCount; index++) {
    const worker = spawnActorLearner({ index, seed: seedRng.seed(), config, buffers: shared.buffers, inputShape, actionCount, statsEveryUpdates: 20, ...(options.envModule === undefined ? {} : { envModule: options.envModule }) });
    worker.on('message', onMessage);
    worker.on('error', (error: Error) => {
      failure ??= `A3C worker ${index} failed: ${error.message.split('\n')[0] ?? error.message}`;
    });
    exits.push(
      new Promise((resolve) => {
        worker.once('exit', (code) => {
          exited++;
          if (!done[index] && !shared.stopRequested()) failure ??= `A3C worker ${index} exited (code ${code}) before finishing`;
          resolve();
        });
      }),
    );
    workers.push(worker);
  }

  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
    log('interrupted: stopping the workers and writing a checkpoint (Ctrl-C again to abort)');
    shared.requestStop();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);

  // --- supervision ----------------------------------------------------------------------------
  const readyDeadline = performance.now() + (options.readyTimeoutSeconds ?? 180) * 1000;
  const stallMs = (options.stallTimeoutSeconds ?? 300) * 1000;
  let allReadyAt: number | undefined;
  let lastSteps = startSteps;
  let lastMove = performance.now();
  let nextLog = (Math.floor(startSteps / config.logEverySteps) + 1) * config.logEverySteps;
  let nextCheckpoint = (Math.floor(startSteps / config.checkpointEverySteps) + 1) * config.checkpointEverySteps;
  let lastRow = { step: startSteps, wall: wall() };
  const addRow = (): void => {
    const step = shared.globalSteps();
    if (step === lastRow.step) return;
    const now = wall();
    const progress = Math.min(1, step / config.totalSteps);
    const perStep = (x: number): number => (pending.steps === 0 ? Number.NaN : x / pending.steps);
    trainingLog.rows.push({
      step,
      wallSeconds: now,
      stepsPerSecond: now > lastRow.wall ? (step - lastRow.step) / (now - lastRow.wall) : 0,
      episodes: trainingLog.episodes.length,
      recentMeanReturn: trainingLog.recentMeanReturn(),
      policyLoss: perStep(pending.policyLoss),
      valueLoss: perStep(pending.valueLoss),
      entropy: perStep(pending.entropy),
      meanStaleness: shared.meanStaleness(),
      learningRate: config.annealLearningRate ? config.learningRate * (1 - progress) : config.learningRate,
    });
    pending.steps = pending.policyLoss = pending.valueLoss = pending.entropy = 0;
    lastRow = { step, wall: now };
    const row = trainingLog.rows[trainingLog.rows.length - 1];
    const eta = row !== undefined && row.stepsPerSecond > 0 && step < config.totalSteps ? ` | ETA ${formatSeconds((config.totalSteps - step) / row.stepsPerSecond)}` : '';
    log(
      `step ${step}/${config.totalSteps} (${(100 * progress).toFixed(1)}%) | ${row?.stepsPerSecond.toFixed(0)} steps/s | episodes ${trainingLog.episodes.length}` +
        ` | mean return (last 20) ${trainingLog.recentMeanReturn().toFixed(2)} | entropy ${row?.entropy.toFixed(3)} | staleness ${shared.meanStaleness().toFixed(2)}${eta}`,
    );
  };

  log(`A3C on ${config.env}: ${workerCount} worker(s), ${shared.size} parameters, t_max ${config.tMax}, ${config.totalSteps} steps${previous ? ` (resuming at ${startSteps})` : ''}`);
  try {
    while (exited < workerCount && failure === undefined) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const now = performance.now();
      if (allReadyAt === undefined) {
        if (ready.every(Boolean)) {
          allReadyAt = now;
          lastMove = now;
        } else if (now > readyDeadline) {
          failure = `A3C: worker(s) ${ready.flatMap((r, i) => (r ? [] : [i])).join(', ')} not ready after ${options.readyTimeoutSeconds ?? 180} s`;
          break;
        }
      }
      const steps = shared.globalSteps();
      if (steps !== lastSteps) {
        lastSteps = steps;
        lastMove = now;
      } else if (allReadyAt !== undefined && !shared.stopRequested() && now - lastMove > stallMs) {
        failure = `A3C: no env step for ${stallMs / 1000} s; workers seem stuck`;
        break;
      }
      if (failure !== undefined) break;
      if (steps >= nextLog) {
        addRow();
        nextLog = (Math.floor(steps / config.logEverySteps) + 1) * config.logEverySteps;
      }
      if (steps >= nextCheckpoint && steps < config.totalSteps) {
        await checkpoint();
        nextCheckpoint = (Math.floor(steps / config.checkpointEverySteps) + 1) * config.checkpointEverySteps;
        log(`checkpoint at step ${steps} written to ${dir}`);
      }
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    shared.requestStop();
    // Workers stop at their next rollout boundary; a stuck one is terminated.
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
    if ((await Promise.race([Promise.all(exits), timeout])) === 'timeout') await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure !== undefined) {
    throw new A3cTrainingError(`${failure}; the last checkpoint in ${dir} (if any) is intact`);
  }

  // --- finish ---------------------------------------------------------------------------------
  const readyAt = allReadyAt ?? started;
  const secondsThisRun = (performance.now() - readyAt) / 1000;
  const stepsThisRun = shared.globalSteps() - startSteps;
  addRow();
  let evaluation: A3cResult['evaluation'];
  const extra: AgentFields = {};
  if (config.evalEpisodes > 0 && !interrupted) {
    writeFlatWeights(model, shared.theta);
    const seed = 10_000 + config.seed;
    const result = evaluate(new LayersPolicy(model), createEnv(), config.evalEpisodes, seed);
    const random = evaluateRandom(createEnv(), config.evalEpisodes, seed, Rng.fromSeed(config.seed + 1));
    evaluation = { episodes: config.evalEpisodes, meanReturn: result.meanReturn, stdReturn: result.stdReturn, seed };
    extra['evaluation'] = { ...evaluation, returns: result.returns };
    extra['randomBaseline'] = { meanReturn: random.meanReturn, stdReturn: random.stdReturn };
    log(`greedy return over ${config.evalEpisodes} episodes: ${result.meanReturn.toFixed(2)} ± ${result.stdReturn.toFixed(2)} (random play: ${random.meanReturn.toFixed(2)})`);
  }
  await checkpoint(extra);
  model.dispose();
  log(`done: ${shared.globalSteps()} steps; model folder ${dir}`);
  return {
    workers: workerCount,
    globalSteps: shared.globalSteps(),
    stepsThisRun,
    secondsThisRun,
    stepsPerSecond: stepsThisRun / secondsThisRun,
    meanStaleness: shared.meanStaleness(),
    episodes: trainingLog.episodes.length,
    recentMeanReturn: trainingLog.recentMeanReturn(),
    interrupted,
    ...(evaluation === undefined ? {} : { evaluation }),
  };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}
