/**
 * A minimal WebAssembly assembler for advgym's hand-written heap functions (adamSimd.ts,
 * stridedCopy.ts): small functions that run directly in the wasm backend's heap where tfjs has no
 * fast kernel and a JS loop is several times slower (scalar doubles, bounds checks, no SIMD).
 *
 * Each module holds one function and imports the backend's own WebAssembly.Memory (Emscripten's
 * Module.asm.memory), so it reads and writes tensors where they live, without copies. Modules are
 * assembled from bytes here (no toolchain in the build), validated, compiled once and instantiated
 * once per backend memory. Where WebAssembly, SIMD or the backend's memory is unavailable,
 * heapFunction() gives undefined and callers use their JS loop.
 */
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

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128. */
function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const EMPTY_BLOCK = 0x40;
/** memarg of loads and stores: alignment hint 0 (any address), offset 0. */
const MEMARG = [0, 0];

/** Instructions, as byte sequences (parameterised ones as functions). */
export const op = {
  block: [0x02, EMPTY_BLOCK],
  loop: [0x03, EMPTY_BLOCK],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32Load: [0x28, ...MEMARG],
  i32Store: [0x36, ...MEMARG],
  f32Load: [0x2a, ...MEMARG],
  f32Store: [0x38, ...MEMARG],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  v128Load: [0xfd, ...uleb(0), ...MEMARG],
  v128Store: [0xfd, ...uleb(11), ...MEMARG],
  f32x4Splat: [0xfd, ...uleb(19)],
  f32x4Sqrt: [0xfd, ...uleb(227)],
  f32x4Add: [0xfd, ...uleb(228)],
  f32x4Mul: [0xfd, ...uleb(230)],
  f32x4Div: [0xfd, ...uleb(231)],
} as const;

/** `local += step` for an i32 local (step a local index or a constant). */
export function increment(local: number, step: { local: number } | { constant: number }): number[] {
  return [...op.get(local), ...('local' in step ? op.get(step.local) : op.i32Const(step.constant)), ...op.i32Add, ...op.set(local)];
}

/** `while (counter <u limit) { body }`: counter and limit are i32 locals; the body advances counter. */
export function whileBelow(counter: number, limit: number, body: number[]): number[] {
  return [...op.block, ...op.loop, ...op.get(counter), ...op.get(limit), ...op.i32GeU, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

export interface FunctionSource {
  /** The export name. */
  readonly name: string;
  readonly params: readonly number[];
  /** Extra locals after the params, as [count, type] runs. */
  readonly locals: readonly (readonly [number, number])[];
  /** The instructions, without the final `end`. */
  readonly body: readonly number[];
}

/** A module importing env.memory and exporting the one function (no results). */
export function moduleBytes(source: FunctionSource): Uint8Array {
  const type = [0x60, ...vec(source.params.map((p) => [p])), ...vec([])];
  const memoryImport = [...utf8('env'), ...utf8('memory'), 0x02, 0x00, ...uleb(1)]; // memory, min 1 page, no max
  const code = [...vec(source.locals.map(([count, kind]) => [...uleb(count), kind])), ...source.body, ...op.end];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...utf8(source.name), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

export type HeapFunctionCall = (...args: number[]) => void;

/** The wasm backend's WebAssembly.Memory, if it exposes it. */
function backendMemory(api: WasmApi, backend: BackendWasm): WasmMemory | undefined {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  return memory instanceof api.Memory ? memory : undefined;
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

export function heapFunction(source: FunctionSource): HeapFunction {
  let compiled: object | null | undefined;
  const instances = new WeakMap<WasmMemory, HeapFunctionCall | undefined>();
  return {
    forBackend(backend) {
      const memory = wasmApi === undefined ? undefined : backendMemory(wasmApi, backend);
      if (wasmApi === undefined || memory === undefined) return undefined;
      if (compiled === undefined) {
        const bytes = moduleBytes(source);
        compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
      }
      if (compiled === null) return undefined;
      if (!instances.has(memory)) {
        let call: HeapFunctionCall | undefined;
        try {
          call = new wasmApi.Instance(compiled, { env: { memory } }).exports[source.name] as HeapFunctionCall;
        } catch {
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
