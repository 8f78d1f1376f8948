/**
 * The training harness: runs one Learner (learner.ts) inside what every training run needs, written
 * once for DQN, A3C, BC and whatever comes next:
 * - the out-folder guard (outFolder.ts), checked before anything is built or created;
 * - crash recovery of an atomic checkpoint folder (checkpointDir.ts) and cleanup of stale copies;
 * - SIGINT and SIGTERM: stop, save a checkpoint, return 'interrupted' (stopSignals.ts);
 * - a NaN loss: stop with a one-line error, no checkpoint, so the last good one stays;
 * - progress (a bar with ETA on a terminal, lines otherwise), training.csv and learning-curve.png;
 * - periodic grades beside random play on seeds disjoint from the final grade's, the best-so-far
 *   model files, and the final grade with agent.json (agentJson.ts, the one writer).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FieldError, UserError } from '../../src/core/errors.ts';
import { writeFileAtomic } from '../../src/core/files/atomicWrite.ts';
import { writeAgentJson, type Grade } from './agentJson.ts';
import { cleanStaleCheckpointCopies, recoverCheckpointDir } from './checkpointDir.ts';
import { describeGrade, gradePolicy, periodicSeed } from './grade.ts';
import { NonFiniteLossError, type HarnessState, type Learner, type Metrics, type RunContext } from './learner.ts';
import { checkOutFolder } from './outFolder.ts';
import { createTrainingProgress, type TrainingProgress } from './progress.ts';
import { watchStopSignals } from './stopSignals.ts';
import { TrainingLog } from './trainingLog.ts';

export const TRAINING_CSV = 'training.csv';
export const LEARNING_CURVE_PNG = 'learning-curve.png';

export interface HarnessOptions {
  /** Continue from the learner's checkpoint in out (a learner without one refuses). */
  readonly resume?: boolean | undefined;
  /** Replace a non-empty out that is not resumed instead of refusing. */
  readonly force?: boolean | undefined;
  /** Where progress goes; default: a bar with ETA on a terminal, lines when piped. */
  readonly progress?: TrainingProgress | undefined;
  /** Stop after this many steps of this process (tests: simulate a kill). */
  readonly stopAfterSteps?: number | undefined;
  /** Skip the final grade and model folder (tests). */
  readonly skipFinal?: boolean | undefined;
  /** Checkpoint folders (relative to out) to recover after a crash between the swap's renames. */
  readonly checkpointDirs?: readonly string[] | undefined;
}

export interface HarnessResult {
  readonly step: number;
  readonly startStep: number;
  readonly stoppedBy: 'done' | 'interrupted' | 'limit';
  readonly signal?: NodeJS.Signals;
  readonly wallSeconds: number;
  readonly bestEvalReturn: number | null;
  readonly grade?: Grade;
}

/**
 * Everything before the learner builds anything: the out-folder guard. Exposed so that callers
 * can check before slow setup (backend start, env module import).
 */
export function checkTrainingOut(outDir: string, options: Pick<HarnessOptions, 'resume' | 'force'>): void {
  checkOutFolder(outDir, options);
}

export async function runTraining(learner: Learner, outDir: string, options: HarnessOptions = {}): Promise<HarnessResult> {
  const resume = options.resume === true;
  try {
    checkOutFolder(outDir, options);
  } catch (error) {
    learner.dispose();
    throw error;
  }
  const progress = options.progress ?? createTrainingProgress();
  for (const name of options.checkpointDirs ?? []) {
    const dir = join(outDir, name);
    const recovered = recoverCheckpointDir(dir);
    if (recovered !== undefined) progress.log(`recovered ${dir} from the complete copy ${recovered} (a crash interrupted the last checkpoint swap)`);
    for (const removed of cleanStaleCheckpointCopies(dir)) progress.log(`removed ${removed}, left by a run that died while writing a checkpoint`);
  }
  if (resume && !learner.hasCheckpoint(outDir)) {
    learner.dispose();
    throw new FieldError('resume', `${outDir} holds no ${learner.algorithm} checkpoint`);
  }
  const createdOut = !resume && !existsSync(outDir);
  // Watched from before the (slow) build, so a signal during it is not lost: the run stops at once.
  const stop = watchStopSignals((signal) => progress.log(`${signal}: stopping, then writing a checkpoint (send it again to abort)`));
  let started: Awaited<ReturnType<Learner['start']>>;
  try {
    started = await learner.start(outDir, resume, (line) => progress.log(line));
  } catch (error) {
    stop.dispose();
    learner.dispose();
    throw error;
  }
  mkdirSync(outDir, { recursive: true });
  const csvPath = join(outDir, TRAINING_CSV);
  const log = resume ? TrainingLog.load(csvPath, learner.columns) : new TrainingLog(learner.columns);
  log.truncateAfter(started.step);
  const gradeEnv = learner.makeEnv();
  const startStep = started.step;
  const wallOffset = started.harness.wallSeconds;
  const startedAt = performance.now();
  const wall = (): number => wallOffset + (performance.now() - startedAt) / 1000;
  let bestEvalReturn = started.harness.bestEvalReturn;
  const harnessState = (): HarnessState => ({ wallSeconds: wall(), bestEvalReturn });

  let window = { step: startStep, at: performance.now() };
  let lastStep = startStep;

  const writeLogFiles = (): void => {
    log.write(csvPath);
    writeFileAtomic(join(outDir, LEARNING_CURVE_PNG), learner.renderCurve?.(log) ?? log.renderCurve(learner.title));
  };
  const describe = (weights: string | undefined, grade?: Grade): Parameters<typeof writeAgentJson>[1] => ({
    algorithm: learner.algorithm,
    ...(weights === undefined ? {} : { weights }),
    env: learner.envDescription,
    trainedSteps: learner.step,
    wallTimeSeconds: wall(),
    backend: learner.backendName(),
    own: learner.agentFields(),
    ...(grade === undefined ? {} : { grade }),
  });
  const writeModelFolder = async (weights: string | undefined, grade?: Grade): Promise<void> => {
    await learner.saveModel(outDir);
    writeAgentJson(outDir, describe(weights, grade), gradeEnv);
  };
  const checkpoint = async (): Promise<void> => {
    writeLogFiles();
    if (learner.checkpointIsModelFolder === true) await writeModelFolder(undefined);
    await learner.saveCheckpoint(outDir, harnessState());
  };
  const pushRow = (step: number, metrics: Metrics, evalReturn?: number): void => {
    const now = performance.now();
    const stepsPerSecond = ((step - window.step) * 1000) / Math.max(1, now - window.at);
    window = { step, at: now };
    log.push({ ...metrics.columns, episodes: metrics.episodes, step, stepsPerSecond, wallSeconds: wall(), ...(evalReturn === undefined ? {} : { evalReturn }) });
    const remaining = learner.totalSteps - step;
    progress.update({
      step,
      totalSteps: learner.totalSteps,
      episodes: metrics.episodes,
      stepsPerSecond,
      recentReturn: metrics.recentReturn,
      loss: metrics.loss,
      epsilon: metrics.epsilon ?? Number.NaN,
      etaSeconds: stepsPerSecond > 0 ? remaining / stepsPerSecond : Number.NaN,
    });
  };
  const crossed = (every: number | undefined, from: number, to: number): boolean => every !== undefined && Number.isFinite(every) && Math.floor(to / every) > Math.floor(from / every);

  let queue: Promise<void> = Promise.resolve();
  const advanceNow = async (step: number): Promise<void> => {
    const from = lastStep;
    if (step <= from) return;
    lastStep = step;
    const { cadence } = learner;
    let evalReturn: number | undefined;
    if (crossed(cadence.evaluateEvery, from, step)) {
      const seed = periodicSeed(learner.grading);
      const grade = gradePolicy(learner.policy(), gradeEnv, learner.grading.periodicEpisodes, seed, learner.grading.randomSeed);
      evalReturn = grade.evaluation.meanReturn;
      progress.log(`step ${step}: ${describeGrade(grade)}`);
      if (bestEvalReturn === null || evalReturn >= bestEvalReturn) {
        // OUT holds a loadable model folder during training too (the best so far), so a long run
        // can be attacked before it ends; the final model replaces it at the end.
        bestEvalReturn = evalReturn;
        await writeModelFolder(`best periodic evaluation so far (step ${step})`, grade);
      }
    }
    if (crossed(cadence.logEvery, from, step) || evalReturn !== undefined) pushRow(step, learner.metrics(), evalReturn);
    if (crossed(cadence.checkpointEvery, from, step) && step < learner.totalSteps) await checkpoint();
  };
  const context: RunContext = {
    outDir,
    progress,
    log: (line) => progress.log(line),
    wallSeconds: wall,
    stopRequested: () => {
      if (options.stopAfterSteps !== undefined && lastStep - startStep >= options.stopAfterSteps) stop.request('limit');
      return stop.requested() !== undefined;
    },
    advance: (step) => {
      queue = queue.then(() => advanceNow(step));
      return queue;
    },
  };

  let stoppedBy: HarnessResult['stoppedBy'] = 'done';
  try {
    await learner.run(context);
    await queue;
    const reason = stop.requested();
    if (reason !== undefined) stoppedBy = reason === 'limit' ? 'limit' : 'interrupted';
    const step = learner.step;
    // The run's last row, unless the cadence just wrote it (learners that want one).
    if (learner.cadence.rowAtEnd === true && log.lastStep !== step && step > startStep) pushRow(step, learner.metrics());
    // A stop (signal or step limit) saves where it stopped, so resume continues from here.
    await checkpoint();
  } catch (error) {
    await queue.catch(() => undefined);
    learner.dispose();
    if (error instanceof NonFiniteLossError) {
      throw new UserError(`${learner.algorithm}: ${error.message}; stopped. The last good checkpoint is in ${outDir}${error.hint}`, 1);
    }
    if (createdOut && lastStep === startStep) rmSync(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    stop.dispose();
    progress.stop();
  }

  let grade: Grade | undefined;
  try {
    if (stoppedBy === 'done' && options.skipFinal !== true) {
      if (learner.grading.finalEpisodes > 0) {
        grade = gradePolicy(learner.policy(), gradeEnv, learner.grading.finalEpisodes, learner.grading.seed, learner.grading.randomSeed);
        progress.log(`final ${describeGrade(grade)}`);
      }
      await writeModelFolder('final weights', grade);
      // A learner whose checkpoint is the model folder writes its state last, after agent.json.
      if (learner.checkpointIsModelFolder === true) await learner.saveCheckpoint(outDir, harnessState());
    }
  } finally {
    learner.dispose();
    gradeEnv.close();
  }
  const reason = stop.requested();
  return { step: learner.step, startStep, stoppedBy, ...(reason === undefined || reason === 'limit' ? {} : { signal: reason }), wallSeconds: wall(), bestEvalReturn, ...(grade === undefined ? {} : { grade }) };
}

