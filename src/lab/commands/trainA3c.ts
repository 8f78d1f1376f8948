/** `advgym train a3c` (the registry entry agents/a3c/algorithm.ts through the generic runner). */
import { a3cAlgorithm } from '../../../agents/a3c/algorithm.ts';
import { runTrain, type TrainArgs } from './trainRun.ts';

export type TrainA3cArgs = TrainArgs;

export function runTrainA3c(args: TrainA3cArgs): Promise<void> {
  return runTrain(a3cAlgorithm, args);
}
