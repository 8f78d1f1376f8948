/**
 * A unit result as one JSON text: how units cross the job queue and how they are kept in the run
 * folder (units/<id>.json) until the run is assembled. A recorded unit's GIF is base64, so the text
 * is plain JSON that Redis and the file system store as is. Decoding checks the shape: a truncated or foreign
 * text is an error naming its source, never a silently wrong summary.
 */
import { z } from 'zod';
import { parseStrict } from '../../core/validation.ts';
import type { UnitResult } from './units.ts';

const delta = z.strictObject({ l0: z.number(), l1: z.number(), l2: z.number(), linf: z.number() });
/** One episode's record, as a unit result carries it and as episodes.jsonl holds it line by line. */
export const episodeRecordSchema = z.strictObject({
  condition: z.string(),
  episode: z.int(),
  seed: z.int(),
  return: z.number(),
  length: z.int(),
  truncated: z.boolean(),
  attackedSteps: z.int(),
  changedActions: z.int(),
  meanDelta: delta,
});
const unitSchema = z.strictObject({
  condition: z.int().min(0),
  episode: z.int().min(0),
  record: episodeRecordSchema,
  steps: z
    .array(z.strictObject({ step: z.int(), cleanAction: z.int(), action: z.int(), reward: z.number(), attacked: z.boolean(), delta }))
    .optional(),
  gif: z.base64().optional(),
});

export function encodeUnitResult(result: UnitResult): string {
  const gif = result.gif === undefined ? undefined : Buffer.from(result.gif.buffer, result.gif.byteOffset, result.gif.byteLength).toString('base64');
  return JSON.stringify({ ...result, ...(gif === undefined ? {} : { gif }) });
}

/** `source` names where the text came from (a file path, 'queue job c3-e0') in errors. */
export function decodeUnitResult(text: string, source: string): UnitResult {
  const parsed = parseStrict(unitSchema, JSON.parse(text) as unknown, source);
  const gif = parsed.gif === undefined ? undefined : new Uint8Array(Buffer.from(parsed.gif, 'base64'));
  // A GIF starts with 'GIF89a' and ends with its trailer byte: a truncated one would be a broken file.
  if (gif !== undefined && (Buffer.from(gif.subarray(0, 6)).toString('latin1') !== 'GIF89a' || gif[gif.length - 1] !== 0x3b)) throw new Error(`${source}: its GIF is not a whole GIF89a file`);
  const { gif: _gif, steps, ...rest } = parsed;
  return { ...rest, ...(steps === undefined ? {} : { steps }), ...(gif === undefined ? {} : { gif }) };
}
