/**
 * The attacker's only access to the victim (Papernot et al. 2017's threat model): a label oracle
 * that answers a batch of observations with the victim's chosen actions and counts every answer.
 * It is a function, not a Policy, so code that receives it cannot reach logits, gradients or
 * weights; it calls the victim's act() alone (the argmax), and refuses queries past the budget.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../src/core/errors.ts';
import type { LabelOracle } from '../bc/teacher.ts';
import type { Policy } from '../policy.ts';

/** A label oracle that knows how many observations it has labelled (one query = one observation). */
export interface CountingOracle extends LabelOracle {
  readonly queries: number;
  readonly budget: number;
}

export class QueryBudgetError extends UserError {
  constructor(budget: number, asked: number) {
    super(`query budget exceeded: ${asked} observations asked, ${budget} allowed`, 1);
    this.name = 'QueryBudgetError';
  }
}

/**
 * Wraps `victim` (only its act() is ever called) as a counting label oracle over at most `budget`
 * observations. A batch that would cross the budget is refused whole, before the victim sees it.
 */
export function countingOracle(victim: Pick<Policy, 'act'>, budget = Number.POSITIVE_INFINITY): CountingOracle {
  let queries = 0;
  const label = (obs: tf.Tensor4D): number[] => {
    const rows = obs.shape[0];
    if (queries + rows > budget) throw new QueryBudgetError(budget, queries + rows);
    const actions = victim.act(obs);
    if (actions.length !== rows) throw new Error(`oracle: the victim answered ${actions.length} actions for ${rows} observations`);
    queries += rows;
    return actions;
  };
  Object.defineProperty(label, 'queries', { get: () => queries, enumerable: true });
  Object.defineProperty(label, 'budget', { value: budget, enumerable: true });
  return label as CountingOracle;
}
