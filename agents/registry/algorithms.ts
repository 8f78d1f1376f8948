/**
 * The algorithm registry: `advgym train <name>` and library callers find learners here. Adding an
 * algorithm = a folder agents/<name>/ with its algorithm.ts (defineAlgorithm: schema, flags,
 * train) and one line in ALGORITHMS below.
 */
import { a3cAlgorithm } from '../a3c/algorithm.ts';
import { bcAlgorithm } from '../bc/algorithm.ts';
import { distillAlgorithm } from '../distill/algorithm.ts';
import { dqnAlgorithm } from '../dqn/algorithm.ts';
import { ppoAlgorithm } from '../ppo/algorithm.ts';
import { trpoAlgorithm } from '../trpo/algorithm.ts';
import { extractAlgorithm } from '../extract/algorithm.ts';
import type { Algorithm } from '../training/algorithm.ts';

export const ALGORITHMS: readonly Algorithm[] = [
  dqnAlgorithm,
  a3cAlgorithm,
  bcAlgorithm,
  ppoAlgorithm,
  trpoAlgorithm,
  distillAlgorithm,
  extractAlgorithm,
  // one line per algorithm
];

export function findAlgorithm(name: string): Algorithm | undefined {
  return ALGORITHMS.find((algorithm) => algorithm.name === name);
}
