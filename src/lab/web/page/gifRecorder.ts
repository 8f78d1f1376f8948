/// <reference lib="dom" />
/**
 * "Save GIF": keeps the last few seconds of what the page showed (both games, the attacked twin's
 * clean view and attacked view, as drawn) and encodes them on demand with gifenc, the encoder the
 * CLI's GIFs use. Frames are kept as the arrays the step produced (no copies, no pixels composed)
 * and at most ~30 per second, so recording costs nothing while the GIF is not asked for.
 */
import gifenc from 'gifenc';
import type { RgbFrame } from '../../../core/gym/env.ts';
import { deltaScale, drawDelta, drawGray, drawRgb } from './draw.ts';

// gifenc is CommonJS; the bundler, like Node, hands over its exports as the default.
const { GIFEncoder, applyPalette, quantize } = gifenc;

export interface RecordedFrame {
  readonly time: number;
  readonly cleanGame: RgbFrame;
  readonly attackedGame: RgbFrame;
  readonly cleanView: Float32Array;
  readonly attackedView: Float32Array;
  readonly size: number;
  readonly caption: string;
}

export const GIF_SECONDS = 5;
const MIN_INTERVAL_MS = 1000 / 30;
const MAX_FRAMES = GIF_SECONDS * 30;
const VIEW = 168;
const GAP = 6;
const LABEL = 16;
const FOOTER = 18;

export class GifRecorder {
  private frames: RecordedFrame[] = [];

  add(frame: RecordedFrame): void {
    const last = this.frames[this.frames.length - 1];
    if (last !== undefined && frame.time - last.time < MIN_INTERVAL_MS) return;
    this.frames.push(frame);
    const cutoff = frame.time - GIF_SECONDS * 1000;
    while (this.frames.length > MAX_FRAMES || (this.frames[0] !== undefined && this.frames[0].time < cutoff)) this.frames.shift();
  }

  clear(): void {
    this.frames = [];
  }

  get length(): number {
    return this.frames.length;
  }

  /** The GIF of the frames kept, timed as they were shown; yields to the page between frames. */
  async encode(onProgress: (done: number, total: number) => void = () => undefined): Promise<Uint8Array> {
    const frames = [...this.frames];
    if (frames.length === 0) throw new Error('nothing recorded yet: let the game run first');
    const encoder = GIFEncoder();
    const canvas = document.createElement('canvas');
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i] as RecordedFrame;
      const next = frames[i + 1];
      const rgba = compose(canvas, frame);
      const palette = quantize(rgba.data, 256);
      const delay = next === undefined ? 100 : Math.max(20, Math.round(next.time - frame.time));
      encoder.writeFrame(applyPalette(rgba.data, palette), rgba.width, rgba.height, { palette, delay });
      onProgress(i + 1, frames.length);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    encoder.finish();
    return encoder.bytes();
  }
}

/** One GIF frame: clean twin | attacked twin | clean view | perturbation | attacked view. */
function compose(canvas: HTMLCanvasElement, frame: RecordedFrame): ImageData {
  const game = frame.cleanGame;
  const width = 2 * game.width + 3 * VIEW + 5 * GAP;
  const height = LABEL + Math.max(game.height, VIEW) + FOOTER;
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('no 2d canvas context');
  context.imageSmoothingEnabled = false;
  context.fillStyle = '#202020';
  context.fillRect(0, 0, width, height);
  context.font = '11px sans-serif';
  context.fillStyle = '#e0e0e0';
  const scratch = document.createElement('canvas');
  let x = 0;
  const panel = (title: string, w: number, h: number, draw: (c: HTMLCanvasElement) => void): void => {
    draw(scratch);
    context.drawImage(scratch, x, LABEL, w, h);
    context.fillText(title, x + 3, 12);
    x += w + GAP;
  };
  const scale = deltaScale(frame.cleanView, frame.attackedView);
  panel('clean twin', game.width, game.height, (c) => drawRgb(c, frame.cleanGame));
  panel('attacked twin', game.width, game.height, (c) => drawRgb(c, frame.attackedGame));
  panel("agent's clean view", VIEW, VIEW, (c) => drawGray(c, frame.cleanView, frame.size));
  panel(`delta, full colour at ±${(scale * 255).toPrecision(2)}/255`, VIEW, VIEW, (c) => drawDelta(c, frame.cleanView, frame.attackedView, frame.size, scale));
  panel('attacked view', VIEW, VIEW, (c) => drawGray(c, frame.attackedView, frame.size));
  context.fillText(frame.caption, 3, height - 5);
  return context.getImageData(0, 0, width, height);
}
