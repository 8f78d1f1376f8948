/**
 * Experience replay that stores each uint8 frame ONCE (not k stacked copies per transition) and
 * rebuilds the k-frame stacks when sampling, as the DQN paper's replay memory does.
 *
 * Layout: a ring of slots; slot i holds the newest frame of one observation, plus the action taken
 * from it, the reward and whether its target may bootstrap (not after a termination, nor after a
 * lost life with terminalOnLifeLoss). The next state of slot i is slot i + 1.
 * When an episode ends, its final observation occupies one slot that is never sampled itself
 * (no action from it), and the next episode starts in the following slot.
 *
 * Stacks never cross episode boundaries: frames before the episode's first one are padded with
 * copies of that first frame, exactly as the FrameStack wrapper fills its stack at reset (so the
 * rebuilt stacks equal the observations the agent saw). At the ring's oldest end (history already
 * overwritten) the oldest frame still present is repeated the same way.
 *
 * A frame is recovered from a float observation in [0, 1] as round(x * 255), which is exact for
 * ScaleObservation's x = byte / 255. Memory per transition: H*W bytes (frame) + 1 (action, uint8,
 * <= 256 actions) + 4 (reward, float32) + 3 (no-bootstrap, episode-start, valid flags): 7,064 bytes
 * for 84x84, so the default 100k capacity is 0.71 GB.
 */
import type { Rng } from '../../src/core/rng.ts';

export interface ReplayBatch {
  /** [batch, H, W, k] stacks, floats in [0, 1]. */
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** Rewards summed (discounted) per sample: 1 for one-step targets, up to nStep for multi-step ones. */
  readonly steps: Float32Array;
  /** 1 where the target must not bootstrap (the episode terminated, or a life was lost with terminalOnLifeLoss), else 0. Truncation bootstraps. */
  readonly dones: Float32Array;
  /** The ring slot of each sample's first transition (what prioritized replay re-prioritizes after the update). */
  readonly slots: Int32Array;
  /** Importance-sampling weight of each sample's loss: 1 for uniform sampling (prioritizedReplay.ts). */
  readonly weights: Float32Array;
}

export interface SampleOptions {
  /** Rewards summed per multi-step sample (1 = one-step transitions). */
  readonly nStep?: number;
  readonly gamma?: number;
  /** Prioritized replay's importance-sampling exponent; uniform sampling ignores it. */
  readonly beta?: number;
}

/** A ring's storage and the order of its used slots, oldest first (exportRing). */
export interface ExportedRing {
  readonly order: readonly number[];
  readonly pixels: number;
  readonly frames: Uint8Array;
  readonly actions: Uint8Array;
  readonly rewards: Float32Array;
  readonly noBootstrap: Uint8Array;
  readonly episodeStart: Uint8Array;
  readonly valid: Uint8Array;
  readonly continuing: boolean;
  readonly transitions: number;
}

export class ReplayBuffer {
  readonly pixels: number;
  private readonly frames: Uint8Array;
  private readonly actions: Uint8Array;
  private readonly rewards: Float32Array;
  private readonly noBootstrap: Uint8Array;
  /** 1 where the slot holds an episode's first observation (stacking stops there). */
  private readonly episodeStart: Uint8Array;
  /** 1 where the slot is a complete transition (its next state is written in the next slot). */
  private readonly valid: Uint8Array;
  /** The slot the next frame goes to. */
  private head = 0;
  /** Slots ever advanced past, capped at capacity. */
  private filled = 0;
  /** Whether the head slot already holds the observation the next add() starts from. */
  private continuing = false;
  private transitions = 0;

  constructor(
    readonly capacity: number,
    readonly shape: readonly [number, number, number],
  ) {
    if (!Number.isInteger(capacity) || capacity < 3) throw new RangeError(`ReplayBuffer: capacity must be an integer >= 3, got ${capacity}`);
    this.pixels = shape[0] * shape[1];
    this.frames = new Uint8Array(capacity * this.pixels);
    this.actions = new Uint8Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.noBootstrap = new Uint8Array(capacity);
    this.episodeStart = new Uint8Array(capacity);
    this.valid = new Uint8Array(capacity);
  }

  static bytesPerTransition(shape: readonly [number, number, number]): number {
    return shape[0] * shape[1] + 1 + 4 + 3;
  }

  /** Transitions added so far (including overwritten ones). */
  get added(): number {
    return this.transitions;
  }

  /**
   * Adds (obs, action, reward, next obs). `noBootstrap`: the target stops here (a termination, or a
   * lost life with terminalOnLifeLoss). `episodeEnded` (terminated or truncated) closes the
   * episode: the next add() starts a new one from its (reset) observation.
   */
  add(observation: Float32Array, action: number, reward: number, nextObservation: Float32Array, noBootstrap: boolean, episodeEnded: boolean): void {
    if (!Number.isInteger(action) || action < 0 || action > 255) throw new RangeError(`ReplayBuffer: action ${action} does not fit a byte`);
    if (!this.continuing) {
      this.writeFrame(observation);
      this.episodeStart[this.head] = 1;
    }
    const slot = this.head;
    this.actions[slot] = action;
    this.rewards[slot] = reward;
    this.noBootstrap[slot] = noBootstrap ? 1 : 0;
    this.valid[slot] = 1;
    this.transitionStored(slot);
    this.transitions++;
    this.advance();
    this.writeFrame(nextObservation);
    this.episodeStart[this.head] = 0;
    if (episodeEnded) {
      // The final observation's slot stays invalid; the next episode starts after it.
      this.advance();
      this.continuing = false;
    } else {
      this.continuing = true;
    }
  }

  /**
   * Uniformly samples `batchSize` transitions (with replacement) using `rng`.
   *
   * With `nStep` > 1 each sample is a multi-step transition (Sutton 1988; Rainbow, Hessel et al.
   * 2018): reward = r_t + gamma r_{t+1} + ... over up to n transitions of the same episode, next
   * observation = the one after the last of them, `steps` = how many were summed. The walk stops
   * early where the target may not bootstrap (done = 1: a termination, or a lost life), at a
   * truncation or at the newest transition held (both bootstrap from the observation reached,
   * with gamma^steps).
   */
  sample(batchSize: number, rng: Rng, { nStep = 1, gamma = 1, beta = 1 }: SampleOptions = {}): ReplayBatch {
    if (this.transitions === 0) throw new Error('ReplayBuffer: nothing to sample yet');
    if (!Number.isInteger(nStep) || nStep < 1) throw new RangeError(`ReplayBuffer: nStep must be an integer >= 1, got ${nStep}`);
    const { slots, weights } = this.drawSlots(batchSize, rng, beta);
    const stackSize = this.pixels * this.shape[2];
    const observations = new Float32Array(batchSize * stackSize);
    const nextObservations = new Float32Array(batchSize * stackSize);
    const actions = new Int32Array(batchSize);
    const rewards = new Float32Array(batchSize);
    const steps = new Float32Array(batchSize);
    const dones = new Float32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const slot = slots[b] as number;
      let last = slot;
      let reward = this.rewards[slot] as number;
      let used = 1;
      // A transition's successor in the same episode is valid exactly when the episode went on.
      while (used < nStep && this.noBootstrap[last] !== 1 && this.valid[(last + 1) % this.capacity] === 1) {
        last = (last + 1) % this.capacity;
        reward += gamma ** used * (this.rewards[last] as number);
        used++;
      }
      this.writeStack(slot, observations, b * stackSize);
      this.writeStack((last + 1) % this.capacity, nextObservations, b * stackSize);
      actions[b] = this.actions[slot] as number;
      rewards[b] = reward;
      steps[b] = used;
      dones[b] = this.noBootstrap[last] as number;
    }
    return { observations, nextObservations, actions, rewards, steps, dones, slots, weights };
  }

  /**
   * The ring as it is stored, for checkpoints (replaySnapshot.ts): the `count` slots ending at
   * the head slot, oldest first, so they can be restored into a ring of another capacity.
   */
  exportRing(): ExportedRing {
    const count = Math.min(this.capacity, this.filled + 1);
    const first = (this.head - count + 1 + this.capacity) % this.capacity;
    const order = Array.from({ length: count }, (_, i) => (first + i) % this.capacity);
    return {
      order,
      pixels: this.pixels,
      frames: this.frames,
      actions: this.actions,
      rewards: this.rewards,
      noBootstrap: this.noBootstrap,
      episodeStart: this.episodeStart,
      valid: this.valid,
      continuing: this.continuing,
      transitions: this.transitions,
    };
  }

  /**
   * Refills an empty buffer from exported slots (oldest first; the newest `capacity` kept when they
   * do not fit). `read(slot, index)` copies exported slot `index` into this ring's `slot`. An
   * episode that was running is closed as a truncation (its last transition bootstraps), since a
   * resumed run starts the next episode.
   */
  importRing(count: number, continuing: boolean, transitions: number, read: (slot: number, index: number) => void): void {
    if (this.transitions !== 0) throw new Error('ReplayBuffer: importRing needs an empty buffer');
    const kept = Math.min(count, this.capacity);
    for (let slot = 0; slot < kept; slot++) read(slot, count - kept + slot);
    this.head = kept - 1;
    this.filled = kept - 1;
    this.transitions = transitions;
    for (let slot = 0; slot < kept; slot++) if (this.valid[slot] === 1) this.transitionStored(slot);
    if (continuing) this.advance();
    this.continuing = false;
  }

  /** Storage arrays for importRing's reader. */
  storage(): Pick<ExportedRing, 'frames' | 'actions' | 'rewards' | 'noBootstrap' | 'episodeStart' | 'valid'> {
    return { frames: this.frames, actions: this.actions, rewards: this.rewards, noBootstrap: this.noBootstrap, episodeStart: this.episodeStart, valid: this.valid };
  }

  /** The k-stack ending at `slot` as floats (what sampling rebuilds; for tests and debugging). */
  stackAt(slot: number): Float32Array {
    const out = new Float32Array(this.pixels * this.shape[2]);
    this.writeStack(slot, out, 0);
    return out;
  }

  /** Which transitions a batch holds and each one's loss weight: here uniform, weight 1. */
  protected drawSlots(batchSize: number, rng: Rng, _beta: number): { slots: Int32Array; weights: Float32Array } {
    const slots = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) slots[b] = this.sampleValidSlot(rng);
    return { slots, weights: new Float32Array(batchSize).fill(1) };
  }

  /** Called when `slot` becomes a complete transition (prioritized replay gives it a priority). */
  protected transitionStored(_slot: number): void {}

  /** Called when `slot` is about to be overwritten: it is no longer a transition. */
  protected transitionDropped(_slot: number): void {}

  private sampleValidSlot(rng: Rng): number {
    // Rejection sampling: invalid slots (episode-final observations, the head) are a small minority.
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const slot = rng.int(0, this.filled - 1);
      if (this.valid[slot] === 1) return slot;
    }
    throw new Error('ReplayBuffer: no complete transition to sample (capacity too small for the episodes?)');
  }

  private writeStack(slot: number, out: Float32Array, offset: number): void {
    const k = this.shape[2];
    // Between add() calls the head slot holds the newest frame or a stale one, so once the ring
    // is full the oldest frame still in it is the one after head.
    const oldest = this.filled < this.capacity ? 0 : (this.head + 1) % this.capacity;
    let source = slot;
    for (let channel = k - 1; channel >= 0; channel--) {
      const base = source * this.pixels;
      for (let p = 0, o = offset + channel; p < this.pixels; p++, o += k) out[o] = (this.frames[base + p] as number) / 255;
      // At the episode's first frame (or the oldest one left), keep repeating it.
      if (this.episodeStart[source] !== 1 && source !== oldest) source = (source - 1 + this.capacity) % this.capacity;
    }
  }

  private writeFrame(observation: Float32Array): void {
    const k = this.shape[2];
    const base = this.head * this.pixels;
    // The newest frame is channel k - 1 of the channels-last stack.
    for (let p = 0, i = k - 1; p < this.pixels; p++, i += k) this.frames[base + p] = Math.round((observation[i] as number) * 255);
  }

  private advance(): void {
    this.head = (this.head + 1) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + 1);
    // The slot about to be (re)written is no longer a transition, nor an episode start.
    if (this.valid[this.head] === 1) this.transitionDropped(this.head);
    this.valid[this.head] = 0;
    this.episodeStart[this.head] = 0;
  }
}
