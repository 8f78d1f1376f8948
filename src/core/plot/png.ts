/** PNG snapshots of RGB frames (pngjs), written atomically, and read back for tests and tools. */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { RgbFrame } from '../gym/env.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { FileError } from '../errors.ts';
import { scaleFrame, toRgba } from './image.ts';

export function encodePng(frame: RgbFrame, scale = 1): Buffer {
  const scaled = scaleFrame(frame, scale);
  const png = new PNG({ width: scaled.width, height: scaled.height });
  png.data = Buffer.from(toRgba(scaled));
  return PNG.sync.write(png);
}

export function writePng(path: string, frame: RgbFrame, scale = 1): void {
  writeFileAtomic(path, encodePng(frame, scale));
}

export function readPng(path: string): RgbFrame {
  let png: PNG;
  try {
    png = PNG.sync.read(readFileSync(path));
  } catch (error) {
    throw new FileError(path, `not a readable PNG (${(error as Error).message.split('\n')[0]})`);
  }
  const data = new Uint8Array(png.width * png.height * 3);
  for (let p = 0, q = 0; q < data.length; p += 4, q += 3) {
    data[q] = png.data[p] as number;
    data[q + 1] = png.data[p + 1] as number;
    data[q + 2] = png.data[p + 2] as number;
  }
  return { width: png.width, height: png.height, data };
}
