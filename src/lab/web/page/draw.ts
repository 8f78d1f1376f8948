/// <reference lib="dom" />
/**
 * The attack panels drawn onto canvases: game (RGB), the agent's clean view, the perturbation and
 * the attacked view (both 84x84 grey, newest frame of the stack). The perturbation is coloured on
 * a scale fitted to its own range in each frame (blue -s .. white 0 .. red +s, s = max |delta|):
 * an l-inf delta is +-eps everywhere it is not clipped, but l2 and l1 deltas are tiny on most
 * pixels and large on a few, and a fixed +-eps scale would show them as blank or as noise.
 */
import type { RgbFrame } from '../../../core/gym/env.ts';

/** Channel k-1 (the newest frame) of an [size*size*k] stacked observation. */
export function newestFrame(observation: Float32Array, pixels: number, frames: number): Float32Array {
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) out[p] = observation[p * frames + frames - 1] as number;
  return out;
}

/** The colour scale of one perturbation frame: max |attacked - clean| (0 when unperturbed). */
export function deltaScale(clean: Float32Array, attacked: Float32Array): number {
  let scale = 0;
  for (let p = 0; p < clean.length; p++) scale = Math.max(scale, Math.abs((attacked[p] as number) - (clean[p] as number)));
  return scale;
}

function put(canvas: HTMLCanvasElement, width: number, height: number, fill: (rgba: Uint8ClampedArray) => void): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(width, height);
  fill(image.data);
  context.putImageData(image, 0, 0);
}

export function drawRgb(canvas: HTMLCanvasElement, frame: RgbFrame): void {
  put(canvas, frame.width, frame.height, (rgba) => {
    for (let p = 0, q = 0; p < frame.data.length; p += 3, q += 4) {
      rgba[q] = frame.data[p] as number;
      rgba[q + 1] = frame.data[p + 1] as number;
      rgba[q + 2] = frame.data[p + 2] as number;
      rgba[q + 3] = 255;
    }
  });
}

export function drawGray(canvas: HTMLCanvasElement, values: Float32Array, size: number): void {
  put(canvas, size, size, (rgba) => {
    for (let p = 0; p < size * size; p++) {
      const v = Math.round((values[p] as number) * 255);
      rgba[4 * p] = v;
      rgba[4 * p + 1] = v;
      rgba[4 * p + 2] = v;
      rgba[4 * p + 3] = 255;
    }
  });
}

/** Blue (negative) - white (zero) - red (positive), saturating at +-scale. */
export function drawDelta(canvas: HTMLCanvasElement, clean: Float32Array, attacked: Float32Array, size: number, scale: number): void {
  put(canvas, size, size, (rgba) => {
    for (let p = 0; p < size * size; p++) {
      const t = scale > 0 ? Math.max(-1, Math.min(1, ((attacked[p] as number) - (clean[p] as number)) / scale)) : 0;
      const fade = Math.round(255 * (1 - Math.abs(t)));
      rgba[4 * p] = t >= 0 ? 255 : fade;
      rgba[4 * p + 1] = fade;
      rgba[4 * p + 2] = t >= 0 ? fade : 255;
      rgba[4 * p + 3] = 255;
    }
  });
}
