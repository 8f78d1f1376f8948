/**
 * The WebAssembly SIMD runner of the fused l-inf PGD step (linfPgdStep.ts; wasm/linfPgdStep.wat,
 * loaded through heapModule.ts). Node-only (it reads the .wasm file), so it lives apart from the
 * kernel, which the web page bundles.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFunction } from './heapModule.ts';
import type { HeapLinfStep } from './linfPgdStep.ts';

const stepFunction = heapFunction(new URL('./wasm/linfPgdStep.wasm', import.meta.url), 'step');

/** step(x, g, clean, maskStep, out, n, eps) on heap views [x, g, clean, maskStep, out]; false where it cannot run. */
export const simdLinfStep: HeapLinfStep = (backend: BackendWasm, arrays, eps) => {
  const call = stepFunction.forBackend(backend);
  const out = arrays[arrays.length - 1];
  if (call === undefined || out === undefined || arrays.length !== 5 || !stepFunction.inHeap(backend, arrays)) return false;
  call(...arrays.map((a) => a.byteOffset), out.length, eps);
  return true;
};
