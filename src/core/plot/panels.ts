/**
 * The attack GIF frame, as in Huang et al.'s videos but with the game itself added:
 *   game (colour) | agent's clean view | perturbation (amplified per frame, diverging) | attacked view
 * with the clean and attacked actions written underneath. Drawn with @napi-rs/canvas so the labels
 * use a real font rather than a hand-made bitmap one.
 */
import { createCanvas, ImageData } from '@napi-rs/canvas';
import type { RgbFrame } from '../gym/env.ts';
import { toRgba } from './image.ts';

export interface PanelInput {
  readonly game: RgbFrame;
  /** Newest frame of the clean observation, [size*size] in [0,1]. */
  readonly clean: Float32Array;
  /** Newest frame of what the agent saw (clean where the step was not attacked). */
  readonly attacked: Float32Array;
  readonly size: number;
  readonly cleanAction: string;
  readonly attackedAction: string;
  readonly wasAttacked: boolean;
}

const VIEW = 168; // 84x84 views drawn at 2x: about the game's 210-pixel height
const GAP = 6;
const LABEL = 18;
const FOOTER = 22;

function grayToRgba(values: Float32Array, size: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const v = Math.round((values[p] ?? 0) * 255);
    rgba.set([v, v, v, 255], p * 4);
  }
  return rgba;
}

/**
 * Where this frame's perturbation colours saturate: the 99th percentile of |attacked - clean| over
 * the changed pixels. A fixed scale (eps) leaves l2 and l1 panels nearly blank, since their budget
 * is the whole frame's while single pixels move by a fraction of it; the percentile of the frame's
 * own changes colours every changed pixel visibly, and ignores the 1% largest outliers (which
 * simply saturate). 0 when nothing changed.
 */
export function perturbationScale(clean: Float32Array, attacked: Float32Array): number {
  const changes: number[] = [];
  for (let p = 0; p < clean.length; p++) {
    const change = Math.abs((attacked[p] ?? 0) - (clean[p] ?? 0));
    if (change > 0) changes.push(change);
  }
  if (changes.length === 0) return 0;
  changes.sort((a, b) => a - b);
  return changes[Math.min(changes.length - 1, Math.floor(0.99 * changes.length))] as number;
}

/** The scale as printed on the panel: "±0.0040". */
export function formatScale(scale: number): string {
  return `±${scale >= 0.001 ? scale.toFixed(4) : scale.toExponential(1)}`;
}

/** Blue (negative) - white (zero) - red (positive), saturating at +-scale. */
function deltaToRgba(clean: Float32Array, attacked: Float32Array, size: number, scale: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const t = Math.max(-1, Math.min(1, ((attacked[p] ?? 0) - (clean[p] ?? 0)) / (scale || 1)));
    const fade = Math.round(255 * (1 - Math.abs(t)));
    rgba.set(t >= 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], p * 4);
  }
  return rgba;
}

export function composeAttackPanel(input: PanelInput): RgbFrame {
  const width = input.game.width + 3 * (VIEW + GAP) + GAP;
  const height = LABEL + Math.max(input.game.height, VIEW) + FOOTER;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.fillStyle = '#202020';
  context.fillRect(0, 0, width, height);

  const drawView = (rgba: Uint8ClampedArray, w: number, h: number, x: number, scale: number): void => {
    const source = createCanvas(w, h);
    source.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
    context.drawImage(source, x, LABEL, w * scale, h * scale);
  };
  const label = (text: string, x: number, y: number, colour = '#e0e0e0'): void => {
    context.fillStyle = colour;
    context.fillText(text, x, y);
  };

  const { size } = input;
  const viewScale = VIEW / size;
  const xs = [0, input.game.width + GAP, input.game.width + 2 * GAP + VIEW, input.game.width + 3 * GAP + 2 * VIEW];
  drawView(new Uint8ClampedArray(toRgba(input.game)), input.game.width, input.game.height, xs[0] ?? 0, 1);
  drawView(grayToRgba(input.clean, size), size, size, xs[1] ?? 0, viewScale);
  const scale = perturbationScale(input.clean, input.attacked);
  drawView(deltaToRgba(input.clean, input.attacked, size, scale), size, size, xs[2] ?? 0, viewScale);
  drawView(grayToRgba(input.attacked, size), size, size, xs[3] ?? 0, viewScale);

  context.font = '11px sans-serif';
  label('game', (xs[0] ?? 0) + 4, 13);
  label('clean view', (xs[1] ?? 0) + 4, 13);
  // Amplification: a change of `scale` gets full colour, i.e. 1/scale times a grey step.
  label(scale > 0 ? `delta x${formatGain(1 / scale)} (red +, blue -)` : 'delta (none this step)', (xs[2] ?? 0) + 4, 13);
  // Steps a timing strategy skips are marked; short enough to fit the 168-pixel view.
  if (input.wasAttacked) label('attacked view', (xs[3] ?? 0) + 4, 13);
  else label('not attacked this step', (xs[3] ?? 0) + 4, 13, '#ffc040');
  const footerY = height - 6;
  label(`clean: ${input.cleanAction}`, (xs[1] ?? 0) + 4, footerY);
  // The scale follows each frame's own perturbation (perturbationScale), so it is printed on every frame.
  if (scale > 0) label(`full colour at ${formatScale(scale)}`, (xs[2] ?? 0) + 4, footerY);
  const changed = input.cleanAction !== input.attackedAction;
  label(`attacked: ${input.attackedAction}${changed ? ' (changed)' : ''}`, (xs[3] ?? 0) + 4, footerY, changed ? '#ff6060' : '#e0e0e0');

  const rgba = context.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < data.length; p += 4, q += 3) {
    data[q] = rgba[p] as number;
    data[q + 1] = rgba[p + 1] as number;
    data[q + 2] = rgba[p + 2] as number;
  }
  return { width, height, data };
}

function formatGain(gain: number): string {
  return gain >= 10 ? String(Math.round(gain)) : gain.toPrecision(2);
}

/** Channel `frames - 1` (the newest frame) of an [size, size, frames] observation. */
export function newestFrame(observation: Float32Array, size: number, frames: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let p = 0; p < size * size; p++) out[p] = observation[p * frames + frames - 1] as number;
  return out;
}
