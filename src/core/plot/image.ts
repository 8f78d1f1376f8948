/** Small operations on RGB frames shared by the GIF and PNG writers and the attack panels. */
import type { RgbFrame } from '../gym/env.ts';

/** Nearest-neighbour upscaling by an integer factor (Huang et al.'s videos use 4x). */
export function scaleFrame(frame: RgbFrame, scale: number): RgbFrame {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`scale must be a positive integer, got ${scale}`);
  if (scale === 1) return frame;
  const width = frame.width * scale;
  const height = frame.height * scale;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / scale) * frame.width;
    for (let x = 0; x < width; x++) {
      const source = (sourceRow + Math.floor(x / scale)) * 3;
      const target = (y * width + x) * 3;
      data[target] = frame.data[source] as number;
      data[target + 1] = frame.data[source + 1] as number;
      data[target + 2] = frame.data[source + 2] as number;
    }
  }
  return { width, height, data };
}

export function toRgba(frame: RgbFrame): Uint8Array {
  const rgba = new Uint8Array(frame.width * frame.height * 4);
  for (let p = 0, q = 0; p < frame.data.length; p += 3, q += 4) {
    rgba[q] = frame.data[p] as number;
    rgba[q + 1] = frame.data[p + 1] as number;
    rgba[q + 2] = frame.data[p + 2] as number;
    rgba[q + 3] = 255;
  }
  return rgba;
}
