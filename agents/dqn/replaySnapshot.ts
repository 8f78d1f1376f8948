/**
 * The replay buffer inside a DQN checkpoint (opt-in: config `saveReplay`), so a resumed run keeps
 * learning from the experience it had instead of refilling for `learningStarts` steps. Compact:
 * the uint8 frames as the buffer stores them (one per slot, not k-stacks), then actions, rewards,
 * flags and (prioritized replay) priorities, for the used slots oldest first: replay.bin, with
 * replay.json describing it. 84x84 frames: 7,064 B per slot (+8 with priorities).
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileError } from '../../src/core/errors.ts';
import { writeJsonAtomic } from '../../src/core/files/atomicWrite.ts';
import { readJsonObject } from '../../src/core/files/readJsonObject.ts';
import { PrioritizedReplayBuffer } from './prioritizedReplay.ts';
import type { ReplayBuffer } from './replayBuffer.ts';

export const REPLAY_BIN = 'replay.bin';
export const REPLAY_JSON = 'replay.json';

interface ReplayMeta {
  readonly format: 'advgym-replay';
  readonly slots: number;
  readonly pixels: number;
  readonly shape: readonly number[];
  readonly continuing: boolean;
  readonly transitions: number;
  readonly prioritized: boolean;
  readonly largestPriority: number;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Writes replay.bin + replay.json into a checkpoint folder being written (checkpointDir.ts makes it atomic). */
export function saveReplay(dir: string, buffer: ReplayBuffer): void {
  const ring = buffer.exportRing();
  const n = ring.order.length;
  const priorities = new Float64Array(n);
  if (buffer instanceof PrioritizedReplayBuffer) ring.order.forEach((slot, i) => (priorities[i] = buffer.priorityOf(slot)));
  const fd = openSync(join(dir, REPLAY_BIN), 'w');
  try {
    const write = (view: Uint8Array): void => {
      let offset = 0;
      while (offset < view.length) offset += writeSync(fd, view, offset, view.length - offset);
    };
    // Frames slot by slot in ring order: subarrays of the buffer, no copy of the (large) whole.
    for (const slot of ring.order) write(ring.frames.subarray(slot * ring.pixels, (slot + 1) * ring.pixels));
    const gather = <T extends Uint8Array | Float32Array>(source: T, make: (n: number) => T): T => {
      const out = make(n);
      ring.order.forEach((slot, i) => (out[i] = source[slot] as number));
      return out;
    };
    write(gather(ring.actions, (k) => new Uint8Array(k)));
    write(bytesOf(gather(ring.rewards, (k) => new Float32Array(k))));
    write(gather(ring.noBootstrap, (k) => new Uint8Array(k)));
    write(gather(ring.episodeStart, (k) => new Uint8Array(k)));
    write(gather(ring.valid, (k) => new Uint8Array(k)));
    write(bytesOf(priorities));
  } finally {
    closeSync(fd);
  }
  const meta: ReplayMeta = {
    format: 'advgym-replay',
    slots: n,
    pixels: ring.pixels,
    shape: buffer.shape,
    continuing: ring.continuing,
    transitions: ring.transitions,
    prioritized: buffer instanceof PrioritizedReplayBuffer,
    largestPriority: buffer instanceof PrioritizedReplayBuffer ? buffer.largestPriority : 1,
  };
  writeJsonAtomic(join(dir, REPLAY_JSON), meta);
}

export function hasSavedReplay(dir: string): boolean {
  return existsSync(join(dir, REPLAY_JSON)) && existsSync(join(dir, REPLAY_BIN));
}

/** Fills an empty buffer from a checkpoint's replay files; returns the transitions restored. */
export function restoreReplay(dir: string, buffer: ReplayBuffer): number {
  const metaPath = join(dir, REPLAY_JSON);
  const meta = readJsonObject(metaPath, 'the saved replay buffer') as Partial<ReplayMeta>;
  if (meta.format !== 'advgym-replay' || typeof meta.slots !== 'number' || meta.pixels !== buffer.pixels) {
    throw new FileError(metaPath, `not a replay buffer of ${buffer.pixels}-pixel frames`);
  }
  const n = meta.slots;
  const binPath = join(dir, REPLAY_BIN);
  const bytes = readFileSync(binPath);
  const expected = n * (meta.pixels + 1 + 4 + 3 + 8);
  if (bytes.byteLength !== expected) throw new FileError(binPath, `holds ${bytes.byteLength} bytes, expected ${expected} (truncated?)`);
  let offset = 0;
  const take = (length: number): Uint8Array => {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length);
    offset += length;
    return view;
  };
  const frames = take(n * meta.pixels);
  const actions = take(n);
  const rewards = new Float32Array(take(4 * n).slice().buffer);
  const noBootstrap = take(n);
  const episodeStart = take(n);
  const valid = take(n);
  const priorities = new Float64Array(take(8 * n).slice().buffer);
  const store = buffer.storage();
  const prioritized = buffer instanceof PrioritizedReplayBuffer ? buffer : undefined;
  buffer.importRing(n, meta.continuing === true, meta.transitions ?? 0, (slot, i) => {
    store.frames.set(frames.subarray(i * buffer.pixels, (i + 1) * buffer.pixels), slot * buffer.pixels);
    store.actions[slot] = actions[i] as number;
    store.rewards[slot] = rewards[i] as number;
    store.noBootstrap[slot] = noBootstrap[i] as number;
    store.episodeStart[slot] = episodeStart[i] as number;
    store.valid[slot] = valid[i] as number;
  });
  if (prioritized !== undefined && meta.prioritized === true) {
    const kept = Math.min(n, buffer.capacity);
    for (let slot = 0; slot < kept; slot++) if (store.valid[slot] === 1) prioritized.restorePriority(slot, priorities[n - kept + slot] as number, meta.largestPriority ?? 1);
  }
  let count = 0;
  for (let slot = 0; slot < buffer.capacity; slot++) count += store.valid[slot] as number;
  return count;
}
