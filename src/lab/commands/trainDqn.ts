/** `advgym train dqn` (the registry entry agents/dqn/algorithm.ts through the generic runner). */
import { dqnAlgorithm } from '../../../agents/dqn/algorithm.ts';
import { runTrain, type TrainArgs } from './trainRun.ts';

export type TrainDqnArgs = TrainArgs;

export function runTrainDqn(args: TrainDqnArgs): Promise<void> {
  return runTrain(dqnAlgorithm, args);
}
