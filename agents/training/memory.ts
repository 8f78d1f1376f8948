/**
 * Up-front checks of memory-sized options: a replay buffer of a million 84x84 frames is decided by
 * one config number, and a typed array too large fails deep inside with "Invalid typed array
 * length". Checking against os.totalmem() first names the field and says how much it would take.
 */
import { totalmem } from 'node:os';
import { FieldError } from '../../src/core/errors.ts';

/** Share of the machine's memory one buffer may take: the rest holds nets, Node and the OS. */
const MAX_SHARE = 0.8;
/** V8's largest typed array (2^32 - 1 elements on 64-bit Node 20 for Uint8Array; 4 GB). */
const MAX_TYPED_ARRAY_BYTES = 2 ** 32 - 1;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/**
 * Throws FieldError(field) when `bytes` (with `largestArrayBytes` in one typed array) cannot fit:
 * more than MAX_SHARE of os.totalmem(), or one array past V8's limit.
 */
export function checkMemory(field: string, value: number, bytes: number, largestArrayBytes = bytes, total = totalmem()): void {
  if (bytes > MAX_SHARE * total) {
    throw new FieldError(field, `${value} would need ${formatBytes(bytes)} of memory, more than ${Math.round(MAX_SHARE * 100)}% of this machine's ${formatBytes(total)}`);
  }
  if (largestArrayBytes > MAX_TYPED_ARRAY_BYTES) {
    throw new FieldError(field, `${value} would need one ${formatBytes(largestArrayBytes)} array, more than the ${formatBytes(MAX_TYPED_ARRAY_BYTES)} a typed array can hold`);
  }
}
