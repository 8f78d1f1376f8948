/**
 * Drawing primitives shared by the games. Games think in Atari-like logical coordinates
 * (160 x 210, origin top-left, y down) and draw either a grayscale observation of any size (the
 * agent's view, scaled from logical coordinates) or a colour RGB frame (for people and GIFs).
 *
 * Grayscale objects keep a constant pixel size wherever they are (the size is rounded once, the
 * position is floored), so a ball never shrinks or grows by a pixel as it moves: that would be
 * noise the agent has to learn to ignore.
 */
import type { RgbFrame } from '../src/core/gym/env.ts';

export const LOGICAL_WIDTH = 160;
export const LOGICAL_HEIGHT = 210;

/** A grayscale image, 1 byte per pixel, row-major. */
export interface GrayCanvas {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type Rgb = readonly [number, number, number];

/** Pixel span [start, end) of a logical interval on an axis scaled by `scale`, clipped to `limit`. */
function span(start: number, length: number, scale: number, limit: number): [number, number] {
  const from = Math.floor(start * scale);
  const size = Math.max(1, Math.round(length * scale));
  return [Math.max(0, from), Math.min(limit, from + size)];
}

/** Fills a logical rectangle with `value` (0..255) on a grayscale canvas of any size. */
export function fillRectGray(canvas: GrayCanvas, x: number, y: number, w: number, h: number, value: number): void {
  const [x0, x1] = span(x, w, canvas.width / LOGICAL_WIDTH, canvas.width);
  const [y0, y1] = span(y, h, canvas.height / LOGICAL_HEIGHT, canvas.height);
  if (x1 <= x0) return;
  const { data, width } = canvas;
  for (let row = y0; row < y1; row++) data.fill(value, row * width + x0, row * width + x1);
}

/** Fills a logical ellipse inscribed in the rectangle (x, y, w, h) on a grayscale canvas. */
export function fillEllipseGray(canvas: GrayCanvas, x: number, y: number, w: number, h: number, value: number): void {
  const [x0, x1] = span(x, w, canvas.width / LOGICAL_WIDTH, canvas.width);
  const [y0, y1] = span(y, h, canvas.height / LOGICAL_HEIGHT, canvas.height);
  fillEllipsePixels(canvas.data, canvas.width, 1, x0, x1, y0, y1, [value, value, value]);
}

/** A new RGB frame filled with one colour (default: the Atari-like 160 x 210). */
export function createRgbFrame(background: Rgb, width = LOGICAL_WIDTH, height = LOGICAL_HEIGHT): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = background[0];
    data[i + 1] = background[1];
    data[i + 2] = background[2];
  }
  return { width, height, data };
}

/** Fills a logical rectangle with a colour on an RGB frame (scaled if the frame is not 160 x 210). */
export function fillRectRgb(frame: RgbFrame, x: number, y: number, w: number, h: number, color: Rgb): void {
  const [x0, x1] = span(x, w, frame.width / LOGICAL_WIDTH, frame.width);
  const [y0, y1] = span(y, h, frame.height / LOGICAL_HEIGHT, frame.height);
  const { data, width } = frame;
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) {
      const i = (row * width + col) * 3;
      data[i] = color[0];
      data[i + 1] = color[1];
      data[i + 2] = color[2];
    }
  }
}

/** Fills a logical ellipse inscribed in (x, y, w, h) with a colour on an RGB frame. */
export function fillEllipseRgb(frame: RgbFrame, x: number, y: number, w: number, h: number, color: Rgb): void {
  const [x0, x1] = span(x, w, frame.width / LOGICAL_WIDTH, frame.width);
  const [y0, y1] = span(y, h, frame.height / LOGICAL_HEIGHT, frame.height);
  fillEllipsePixels(frame.data, frame.width, 3, x0, x1, y0, y1, color);
}

function fillEllipsePixels(
  data: Uint8Array,
  width: number,
  channels: 1 | 3,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  color: Rgb,
): void {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const rx = (x1 - x0) / 2;
  const ry = (y1 - y0) / 2;
  if (rx <= 0 || ry <= 0) return;
  for (let row = y0; row < y1; row++) {
    const dy = (row + 0.5 - cy) / ry;
    for (let col = x0; col < x1; col++) {
      const dx = (col + 0.5 - cx) / rx;
      if (dx * dx + dy * dy > 1) continue;
      const i = (row * width + col) * channels;
      for (let c = 0; c < channels; c++) data[i + c] = color[c] as number;
    }
  }
}

// A 3 x 5 pixel font for the digits 0-9: one string per digit, rows top to bottom, '#' = lit.
const DIGIT_FONT: readonly string[] = [
  '###' + '#.#' + '#.#' + '#.#' + '###',
  '.#.' + '##.' + '.#.' + '.#.' + '###',
  '###' + '..#' + '###' + '#..' + '###',
  '###' + '..#' + '.##' + '..#' + '###',
  '#.#' + '#.#' + '###' + '..#' + '..#',
  '###' + '#..' + '###' + '..#' + '###',
  '###' + '#..' + '###' + '#.#' + '###',
  '###' + '..#' + '..#' + '.#.' + '.#.',
  '###' + '#.#' + '###' + '#.#' + '###',
  '###' + '#.#' + '###' + '..#' + '###',
];

/** Width in logical pixels of `text` drawn with `drawNumber` at `scale`. */
export function numberWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * 4 - 1) * scale;
}

/** Draws a non-negative integer with the tiny digit font, each font pixel `scale` logical pixels. */
export function drawNumber(frame: RgbFrame, value: number, x: number, y: number, scale: number, color: Rgb): void {
  const text = String(Math.max(0, Math.trunc(value)));
  for (let k = 0; k < text.length; k++) {
    const glyph = DIGIT_FONT[text.charCodeAt(k) - 48];
    if (glyph === undefined) continue;
    for (let p = 0; p < 15; p++) {
      if (glyph[p] !== '#') continue;
      fillRectRgb(frame, x + (k * 4 + (p % 3)) * scale, y + Math.floor(p / 3) * scale, scale, scale, color);
    }
  }
}
