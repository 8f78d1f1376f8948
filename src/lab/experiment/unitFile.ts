/**
 * A unit result as one JSON text: how units cross the job queue and how they are kept in the run
 * folder (units/<id>.json) until the run is assembled. GIF panels are base64, so the text is plain
 * JSON that Redis and the file system store as is. Decoding checks the shape: a truncated or foreign
 * text is an error naming its source, never a silently wrong summary.
 */
import { z } from 'zod';
import type { RgbFrame } from '../../core/gym/env.ts';
import { parseStrict } from '../../core/validation.ts';
import type { UnitResult } from './units.ts';

const delta = z.strictObject({ l0: z.number(), l1: z.number(), l2: z.number(), linf: z.number() });
const unitSchema = z.strictObject({
  condition: z.int().min(0),
  episode: z.int().min(0),
  record: z.strictObject({
    condition: z.string(),
    episode: z.int(),
    seed: z.int(),
    return: z.number(),
    length: z.int(),
    truncated: z.boolean(),
    attackedSteps: z.int(),
    changedActions: z.int(),
    meanDelta: delta,
  }),
  steps: z
    .array(z.strictObject({ step: z.int(), cleanAction: z.int(), action: z.int(), reward: z.number(), attacked: z.boolean(), delta }))
    .optional(),
  frames: z.array(z.strictObject({ width: z.int().min(1), height: z.int().min(1), data: z.base64() })).optional(),
});

export function encodeUnitResult(result: UnitResult): string {
  const frames = result.frames?.map((f) => ({ width: f.width, height: f.height, data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64') }));
  return JSON.stringify({ ...result, ...(frames === undefined ? {} : { frames }) });
}

/** `source` names where the text came from (a file path, 'queue job c3-e0') in errors. */
export function decodeUnitResult(text: string, source: string): UnitResult {
  const parsed = parseStrict(unitSchema, JSON.parse(text) as unknown, source);
  const frames: RgbFrame[] | undefined = parsed.frames?.map((f) => {
    const data = new Uint8Array(Buffer.from(f.data, 'base64'));
    if (data.length !== f.width * f.height * 3) throw new Error(`${source}: a frame of ${f.width}x${f.height} holds ${data.length} bytes`);
    return { width: f.width, height: f.height, data };
  });
  const { frames: _frames, steps, ...rest } = parsed;
  return { ...rest, ...(steps === undefined ? {} : { steps }), ...(frames === undefined ? {} : { frames }) };
}
