/**
 * Proportional prioritized experience replay (Schaul et al. 2016; Rainbow, Hessel et al. 2018):
 * transition i is sampled with probability P(i) = p_i / sum_j p_j, p_i = (|TD error_i| + epsilon)^alpha,
 * so the rare surprising transitions (in Pong: the balls the agent misses) are replayed far more
 * often than under uniform sampling. Each sample's loss is weighted by w_i = (N P(i))^-beta,
 * divided by the batch's largest weight (as Dopamine's Rainbow does), which undoes the sampling
 * bias as beta goes to 1 and only ever scales steps down.
 *
 * A new transition gets the largest priority seen so far, so it is replayed at least once soon
 * (Schaul et al.'s rule); the learner's TD errors re-prioritize each batch after its update.
 * Storage is the uniform buffer's (frames once, stacks rebuilt) plus a sum tree of 16 bytes per slot.
 */
import type { Rng } from '../../src/core/rng.ts';
import { ReplayBuffer } from './replayBuffer.ts';
import { SumTree } from './sumTree.ts';

export interface PrioritySettings {
  /** How strongly priorities skew sampling: 0 = uniform, 1 = fully proportional. Rainbow: 0.5. */
  readonly alpha: number;
  /** Added to |TD error| so no stored transition gets probability 0. */
  readonly epsilon: number;
}

export class PrioritizedReplayBuffer extends ReplayBuffer {
  private readonly tree: SumTree;
  /** Transitions with a priority (the N of the importance weights). */
  private stored = 0;
  private maxPriority = 1;

  constructor(
    capacity: number,
    shape: readonly [number, number, number],
    readonly priority: PrioritySettings,
  ) {
    super(capacity, shape);
    if (!(priority.alpha >= 0)) throw new RangeError(`PrioritizedReplayBuffer: alpha must be >= 0, got ${priority.alpha}`);
    if (!(priority.epsilon > 0)) throw new RangeError(`PrioritizedReplayBuffer: epsilon must be > 0, got ${priority.epsilon}`);
    this.tree = new SumTree(capacity);
  }

  /** The sampling priority of `slot` (0: not a stored transition). */
  priorityOf(slot: number): number {
    return this.tree.get(slot);
  }

  /** The largest priority given so far (new transitions get it); saved with the replay buffer. */
  get largestPriority(): number {
    return this.maxPriority;
  }

  /** Restores one slot's priority and the largest one (a resumed replay buffer, replaySnapshot.ts). */
  restorePriority(slot: number, priority: number, largest: number): void {
    if (priority > 0 && this.tree.get(slot) === 0) this.stored++;
    this.tree.set(slot, priority);
    this.maxPriority = Math.max(this.maxPriority, largest);
  }

  /** Re-prioritizes the batch's transitions by their TD errors from the update they were just used in. */
  updatePriorities(slots: Int32Array, tdErrors: Float32Array): void {
    if (slots.length !== tdErrors.length) throw new RangeError(`PrioritizedReplayBuffer: ${slots.length} slots but ${tdErrors.length} TD errors`);
    const { alpha, epsilon } = this.priority;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      // A slot overwritten since it was sampled is no transition any more; it keeps priority 0.
      if (this.tree.get(slot) === 0) continue;
      const priority = (Math.abs(tdErrors[i] as number) + epsilon) ** alpha;
      this.tree.set(slot, priority);
      if (priority > this.maxPriority) this.maxPriority = priority;
    }
  }

  /**
   * Stratified sampling, as Schaul et al. do: the total priority is cut into `batchSize` equal
   * segments and one transition is drawn in each, which spreads a batch over the distribution.
   */
  protected override drawSlots(batchSize: number, rng: Rng, beta: number): { slots: Int32Array; weights: Float32Array } {
    const total = this.tree.total;
    if (!(total > 0)) throw new Error('PrioritizedReplayBuffer: nothing to sample yet');
    const slots = new Int32Array(batchSize);
    const weights = new Float32Array(batchSize);
    const segment = total / batchSize;
    let largest = 0;
    for (let b = 0; b < batchSize; b++) {
      let slot = this.tree.find((b + rng.float()) * segment);
      // Rounding at a segment's edge can end on an empty leaf; draw again over the whole tree.
      for (let attempt = 0; this.tree.get(slot) === 0; attempt++) {
        if (attempt >= 100) throw new Error('PrioritizedReplayBuffer: sum tree out of step with its leaves');
        slot = this.tree.find(rng.float() * total);
      }
      const probability = this.tree.get(slot) / total;
      const weight = (this.stored * probability) ** -beta;
      slots[b] = slot;
      weights[b] = weight;
      if (weight > largest) largest = weight;
    }
    for (let b = 0; b < batchSize; b++) weights[b] = (weights[b] as number) / largest;
    return { slots, weights };
  }

  protected override transitionStored(slot: number): void {
    if (this.tree.get(slot) === 0) this.stored++;
    this.tree.set(slot, this.maxPriority);
  }

  protected override transitionDropped(slot: number): void {
    if (this.tree.get(slot) > 0) this.stored--;
    this.tree.set(slot, 0);
  }
}
