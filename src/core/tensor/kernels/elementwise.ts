/**
 * Sign, Maximum and Minimum for the wasm backend, replacing the shipped ones for float32 tensors
 * (Maximum/Minimum: of one shape) with one WebAssembly SIMD pass each (wasm/elementwise.wat);
 * everything else (int32, broadcasting) goes to the shipped kernel.
 *
 * Why: tfjs-backend-wasm 4.22 runs these three as plain C++ loops that call a function per element
 * (and for Maximum/Minimum work out broadcast indices per element), where Add/Mul/Sub/Div go to
 * XNNPACK. On a batch of 32 Pong observations (0.9M floats) Sign took ~10 ms and Maximum/Minimum
 * ~15-25 ms against ~0.2 ms for Add: every FGSM/PGD step takes a sign, SA-DQN's PGD a sign, a
 * maximum and a minimum, so these were the largest single costs of adversarial training
 * (bench/defense.ts). The results are the shipped kernels' exactly, including their sign of 0 for
 * |x| < FLT_EPSILON and NaN, and std::max/min's handling of NaN and signed zeros (see the .wat).
 */
import { getKernel, Maximum, Minimum, Sign, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFunction, type HeapFunction } from './heapModule.ts';

const MODULE = new URL('./wasm/elementwise.wasm', import.meta.url);
const signFunction = heapFunction(MODULE, 'sign');
const maximumFunction = heapFunction(MODULE, 'maximum');
const minimumFunction = heapFunction(MODULE, 'minimum');

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Runs `fn` on the float32 operands' heap data into a new output of `shape`, or returns undefined
 * where the heap function cannot run (no SIMD, a foreign memory).
 */
function runOnHeap(backend: BackendWasm, fn: HeapFunction, operands: readonly TensorInfo[], shape: number[]): TensorInfo | undefined {
  const call = fn.forBackend(backend);
  if (call === undefined) return undefined;
  const out = backend.makeOutput(shape, 'float32');
  // Views after the allocation: malloc may grow (and so detach) the wasm heap.
  const arrays = [...operands, out].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  if (!fn.inHeap(backend, arrays)) {
    backend.disposeData(out.dataId);
    return undefined;
  }
  call(...arrays.map((a) => a.byteOffset), (arrays[arrays.length - 1] as Float32Array).length);
  return out;
}

/** The shipped kernels the overrides wrap, by name (the tests compare against them). */
const shippedKernels = new Map<string, KernelFunc>();

/** The shipped wasm kernel that advgym's `name` override falls back to; undefined before registration. */
export function shippedWasmKernel(name: string): KernelFunc | undefined {
  return shippedKernels.get(name);
}

/** The override of `name` around the shipped kernel (read once, at registration). */
function override(name: string, fast: (backend: BackendWasm, inputs: Record<string, TensorInfo | undefined>) => TensorInfo | undefined): KernelConfig {
  const shipped = getKernel(name, 'wasm');
  const original = shipped.kernelFunc as KernelFunc;
  shippedKernels.set(name, original);
  const kernelFunc = (args: { inputs: Record<string, TensorInfo | undefined>; backend: BackendWasm }): TensorInfo =>
    fast(args.backend, args.inputs) ?? (original(args as never) as TensorInfo);
  const config: KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
  // The shipped kernel's setupFunc binds its C++ entry point when the backend initialises (only for
  // kernels registered then): ours carries it over so the fallback keeps working.
  if (shipped.setupFunc !== undefined) config.setupFunc = shipped.setupFunc;
  return config;
}

export function signWasmConfig(): KernelConfig {
  return override(Sign, (backend, { x }) => (x?.dtype === 'float32' ? runOnHeap(backend, signFunction, [x], [...x.shape]) : undefined));
}

function binaryConfig(name: string, fn: HeapFunction): KernelConfig {
  return override(name, (backend, { a, b }) =>
    a !== undefined && b !== undefined && a.dtype === 'float32' && b.dtype === 'float32' && sameShape(a.shape, b.shape) ? runOnHeap(backend, fn, [a, b], [...a.shape]) : undefined,
  );
}

export const maximumWasmConfig = (): KernelConfig => binaryConfig(Maximum, maximumFunction);
export const minimumWasmConfig = (): KernelConfig => binaryConfig(Minimum, minimumFunction);
