/**
 * The Adam update (kernels/adamStep.ts) as a WebAssembly SIMD function working directly in the
 * wasm backend's heap (wasmAssembler.ts): four weights per instruction, no copies.
 *
 * Why not a JS loop: Adam needs three divisions and a square root per weight, and JS does them one
 * at a time in double precision with a Math.fround after each; measured on this project's 2-core
 * machines that loop took as long as tf.train.adam's 14 kernels (~1.8 ms for the 88k weights of
 * the 2013 DQN net at 42x42, ~10 ms at 84x84). f32x4 does four float32 lanes per operation, and
 * WebAssembly's f32 add, mul, div and sqrt are IEEE-754 correctly rounded, exactly like the float32
 * operations of tf.train.adam's kernels, so the results stay equal to the bit.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { AdamStepAttrs } from './adamStep.ts';
import { F32, I32, V128, heapFunction, increment, op, whileBelow } from './wasmAssembler.ts';

// adam(w, g, m, v, outW, outM, outV, n, b1, 1-b1, b2, 1-b2, bc1, bc2, eps, -lr)

/** Byte addresses of the seven arrays (params 0-6), then the element count (param 7). */
const [W, G, M, V, OUT_W, OUT_M, OUT_V, N] = [0, 1, 2, 3, 4, 5, 6, 7];
/** The AdamStepAttrs, float32 params 8-15, in ATTR_ORDER. */
const ATTR_ORDER = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'biasCorrection1', 'biasCorrection2', 'epsilon', 'negLearningRate'] as const;
type AttrName = (typeof ATTR_ORDER)[number];
const attrParam = (name: AttrName): number => 8 + ATTR_ORDER.indexOf(name);
/** Locals: byte index and loop end (i32), the attrs splatted to four lanes, then per-element values. */
const [INDEX, END] = [16, 17];
const splat = (name: AttrName): number => 18 + ATTR_ORDER.indexOf(name);
const [GV, MV, VV] = [26, 27, 28]; // v128 g, m', v'
const [GS, MS, VS] = [29, 30, 31]; // f32 g, m', v' (the tail)

/**
 * One element (or four): m' and v' stored, then w' = w + ((m'/bc1) / (sqrt(v'/bc2) + eps)) * -lr,
 * in tf.train.adam's operation order.
 */
function update(lanes: 'vector' | 'scalar'): number[] {
  const vector = lanes === 'vector';
  const [load, store, add, mul, div, sqrt] = vector
    ? [op.v128Load, op.v128Store, op.f32x4Add, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Load, op.f32Store, op.f32Add, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, m, v] = vector ? [GV, MV, VV] : [GS, MS, VS];
  const constant = (name: AttrName): number[] => op.get(vector ? splat(name) : attrParam(name));
  const at = (base: number): number[] => [...op.get(base), ...op.get(INDEX), ...op.i32Add];
  return [
    ...at(G), ...load, ...op.set(g),
    // m' = m*b1 + g*(1-b1)
    ...at(M), ...load, ...constant('beta1'), ...mul, ...op.get(g), ...constant('oneMinusBeta1'), ...mul, ...add, ...op.set(m),
    ...at(OUT_M), ...op.get(m), ...store,
    // v' = v*b2 + (g*g)*(1-b2)
    ...at(V), ...load, ...constant('beta2'), ...mul, ...op.get(g), ...op.get(g), ...mul, ...constant('oneMinusBeta2'), ...mul, ...add, ...op.set(v),
    ...at(OUT_V), ...op.get(v), ...store,
    // w' = ((m'/bc1) / (sqrt(v'/bc2) + eps)) * -lr + w
    ...at(OUT_W),
    ...op.get(m), ...constant('biasCorrection1'), ...div,
    ...op.get(v), ...constant('biasCorrection2'), ...div, ...sqrt, ...constant('epsilon'), ...add,
    ...div, ...constant('negLearningRate'), ...mul,
    ...at(W), ...load, ...add,
    ...store,
  ];
}

const adamFunction = heapFunction({
  name: 'adam',
  params: [...Array<number>(8).fill(I32), ...Array<number>(8).fill(F32)],
  locals: [[2, I32], [11, V128], [3, F32]],
  body: [
    ...ATTR_ORDER.flatMap((name) => [...op.get(attrParam(name)), ...op.f32x4Splat, ...op.set(splat(name))]),
    // Whole vectors: bytes [0, (n & ~3) * 4), 16 at a time.
    ...op.get(N), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.set(END),
    ...whileBelow(INDEX, END, [...update('vector'), ...increment(INDEX, { constant: 16 })]),
    // The last n % 4 elements, one at a time.
    ...op.get(N), ...op.i32Const(2), ...op.i32Shl, ...op.set(END),
    ...whileBelow(INDEX, END, [...update('scalar'), ...increment(INDEX, { constant: 4 })]),
  ],
});

/** The arrays of one update: Float32Array views into the backend's heap, all of one length. */
export interface HeapArrays {
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly outW: Float32Array;
  readonly outM: Float32Array;
  readonly outV: Float32Array;
}

/**
 * Runs the update in the backend's heap (the arrays must be views of its current buffer); false,
 * with nothing written, where the SIMD function cannot run (the caller then uses the JS loop).
 */
export function simdAdamUpdate(backend: BackendWasm, arrays: HeapArrays, attrs: AdamStepAttrs): boolean {
  const all = [arrays.w, arrays.g, arrays.m, arrays.v, arrays.outW, arrays.outM, arrays.outV];
  const adam = adamFunction.forBackend(backend);
  if (adam === undefined || !adamFunction.inHeap(backend, all) || all.some((a) => a.length !== arrays.w.length)) return false;
  adam(...all.map((a) => a.byteOffset), arrays.w.length, ...ATTR_ORDER.map((name) => attrs[name]));
  return true;
}
