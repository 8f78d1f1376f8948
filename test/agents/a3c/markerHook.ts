/** A hook module for the A3C hook test: createObservationHook fails with its options in the message, so the test sees the worker imported it with them. */
import type { ObservationHook } from '../../../agents/training/observationHook.ts';

export function createObservationHook(options: unknown): ObservationHook {
  throw new Error(`marker hook imported with ${JSON.stringify(options)}`);
}

export const MARKER_HOOK_MODULE = import.meta.url;
