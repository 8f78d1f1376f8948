/**
 * Loads advgym's heap functions: small WebAssembly modules (kernels/wasm/*.wat, compiled to the
 * committed .wasm beside them by `npm run build:wasm`) that run directly in the wasm backend's heap
 * where tfjs has no fast kernel and a JS loop is several times slower (scalar doubles, bounds
 * checks, no SIMD). Used by adamSimd.ts and stridedCopy.ts.
 *
 * Each module exports one function and imports the backend's own WebAssembly.Memory (Emscripten's
 * Module.asm.memory) as env.memory, so it reads and writes tensors where they live, without copies.
 * A module's bytes are read and compiled once, on first use with a wasm backend, and instantiated
 * once per backend memory. Where WebAssembly, SIMD or the backend's memory is unavailable,
 * forBackend() gives undefined and callers use their JS loop. The runtime never loads wabt: only
 * the build script and the test that keeps the .wasm in step with the .wat do.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The part of the WebAssembly JS API used here (the project's TypeScript lib has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export type HeapFunctionCall = (...args: number[]) => void;

/** The wasm backend's WebAssembly.Memory, if it exposes it. */
function backendMemory(api: WasmApi, backend: BackendWasm): WasmMemory | undefined {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  return memory instanceof api.Memory ? memory : undefined;
}

/** A committed module's bytes. Missing ones are a broken checkout or package, never a reason to fall back quietly. */
function readModule(file: URL): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`heapModule: cannot read ${fileURLToPath(file)} (run npm run build:wasm)`, { cause: error });
  }
}

/**
 * A heap function: `forBackend(backend)` gives the function bound to that backend's memory, or
 * undefined where it cannot run; `inHeap` says whether typed arrays are views of that memory (a
 * view taken before the heap grew is not, and must not be passed by byteOffset).
 */
export interface HeapFunction {
  forBackend(backend: BackendWasm): HeapFunctionCall | undefined;
  inHeap(backend: BackendWasm, arrays: readonly Float32Array[]): boolean;
}

/**
 * The function `exportName` of the module in `file`, a .wasm URL resolved against the caller's
 * import.meta.url (so it is found wherever the sources run from: tsx, node --import tsx, a package).
 */
export function heapFunction(file: URL, exportName: string): HeapFunction {
  let compiled: object | null | undefined;
  const instances = new WeakMap<WasmMemory, HeapFunctionCall | undefined>();
  return {
    forBackend(backend) {
      const memory = wasmApi === undefined ? undefined : backendMemory(wasmApi, backend);
      if (wasmApi === undefined || memory === undefined) return undefined;
      if (compiled === undefined) {
        const bytes = readModule(file);
        // validate() is false where the engine lacks a feature the module uses (SIMD): JS loop.
        compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
      }
      if (compiled === null) return undefined;
      if (!instances.has(memory)) {
        let call: HeapFunctionCall | undefined;
        try {
          const exported = new wasmApi.Instance(compiled, { env: { memory } }).exports[exportName];
          if (typeof exported !== 'function') throw new Error(`heapModule: ${fileURLToPath(file)} exports no function ${exportName}`);
          call = exported as HeapFunctionCall;
        } catch (error) {
          if (!(error instanceof Error && error.name === 'LinkError')) throw error;
          // A memory the import does not match (the threaded build's shared memory): use the JS loop.
          call = undefined;
        }
        instances.set(memory, call);
      }
      return instances.get(memory);
    },
    inHeap(backend, arrays) {
      const memory = wasmApi === undefined ? undefined : backendMemory(wasmApi, backend);
      return memory !== undefined && arrays.every((a) => a.buffer === memory.buffer);
    },
  };
}
