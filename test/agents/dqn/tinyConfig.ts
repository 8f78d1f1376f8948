import { parseDqnConfig, type DqnConfigInput } from '../../../agents/dqn/config.ts';

/**
 * The DQN recipe for the tiny Dot-v0 env (dotEnv.ts), shared by the learning tests.
 * Sized for learning: 400 steps of batch 16 reach the optimum (+12) on seeds 0-3 where random play
 * scores about -1; more steps or bigger batches only cost time.
 */
export const tinyDqnConfig = (overrides: DqnConfigInput = {}) =>
  parseDqnConfig({
    env: 'Dot-v0',
    totalSteps: 400,
    bufferSize: 5_000,
    learningStarts: 50,
    trainFrequency: 1,
    batchSize: 16,
    gamma: 0.5,
    learningRate: 1e-3,
    targetUpdateInterval: 100,
    epsilonDecaySteps: 250,
    epsilonEnd: 0.05,
    evalInterval: 100_000,
    logInterval: 300,
    checkpointInterval: 100_000,
    ...overrides,
  });
