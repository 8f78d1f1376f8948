/**
 * Animated GIFs of RGB frames (gifenc). Each frame gets its own 256-colour palette, because the
 * attack panels mix a game's few flat colours with smooth diverging perturbation colours.
 */
import gifenc from 'gifenc';
import type { RgbFrame } from '../gym/env.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { scaleFrame, toRgba } from './image.ts';

// gifenc is CommonJS without an exports map, so Node's ESM loader sees only its default export.
const { GIFEncoder, applyPalette, quantize } = gifenc;

export interface GifOptions {
  /** Frames per second (Huang et al.: 20). */
  readonly fps?: number;
  /** Integer upscaling factor (Huang et al.: 4). */
  readonly scale?: number;
}

export function encodeGif(frames: readonly RgbFrame[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new RangeError('a GIF needs at least one frame');
  const fps = options.fps ?? 20;
  const scale = options.scale ?? 1;
  if (!(fps > 0 && fps <= 100)) throw new RangeError(`fps must be in (0, 100], got ${fps}`);
  const encoder = GIFEncoder();
  const delay = Math.round(1000 / fps);
  for (const frame of frames) {
    const scaled = scaleFrame(frame, scale);
    const rgba = toRgba(scaled);
    const palette = quantize(rgba, 256);
    encoder.writeFrame(applyPalette(rgba, palette), scaled.width, scaled.height, { palette, delay });
  }
  encoder.finish();
  return encoder.bytes();
}

export function writeGif(path: string, frames: readonly RgbFrame[], options: GifOptions = {}): void {
  writeFileAtomic(path, encodeGif(frames, options));
}
