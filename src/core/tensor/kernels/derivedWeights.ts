/**
 * Tensors derived from a kernel's weight operand (a transpose, a rearranged filter), kept while
 * the weight's data lives.
 *
 * XNNPACK (the wasm backend's fast matMul and conv) takes weights only in its own layouts and
 * packs them, caching that packing per data id. Gradient kernels need the weights in another
 * layout than the forward pass (dx = dy W^T needs W^T; a conv's input gradient a flipped,
 * rearranged filter). Made afresh on every call, that copy and XNNPACK's repacking of it cost
 * several times the product itself at batch 1: FGSM on the 2013 DQN net spent ~0.6 ms in the dense
 * layer's dy W^T, where a mat-vec against packed weights takes ~0.1 ms. Keeping the derived tensor
 * across calls keeps its data id, so XNNPACK reuses its packing too.
 *
 * Sound because tfjs never writes into existing data: a tensor's data id holds the values it was
 * created with, and a variable's assign swaps in a new data id. So a tensor derived from a source
 * data id (keyed also on what was derived: shape, layout) is valid exactly while that data id is
 * alive on the backend. Entries whose source is gone are freed at the next lookup, and at most
 * MAX_BYTES are held per backend (least recently used evicted), so training, where every optimizer
 * step makes new weights, cannot make the cache grow.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmKernel } from './wasmCalls.ts';

/** The most bytes of derived tensors kept per backend (the 2013 DQN net's dense W^T: 2.7 MB). */
const MAX_BYTES = 32 * 1024 * 1024;

interface Entry {
  readonly source: object;
  readonly key: string;
  readonly bytes: number;
  readonly derived: TensorInfo;
}

class DerivedCache {
  /** Least recently used first. */
  private entries: Entry[] = [];

  constructor(private readonly backend: BackendWasm) {}

  get(source: TensorInfo, key: string, make: () => TensorInfo): TensorInfo {
    this.dropStale();
    const index = this.entries.findIndex((e) => e.source === source.dataId && e.key === key);
    if (index >= 0) {
      const [hit] = this.entries.splice(index, 1) as [Entry];
      this.entries.push(hit);
      return hit.derived;
    }
    const derived = make();
    const bytes = 4 * derived.shape.reduce((a, b) => a * b, 1);
    this.entries.push({ source: source.dataId, key, bytes, derived });
    this.evictBeyond(MAX_BYTES);
    return derived;
  }

  get size(): number {
    this.dropStale();
    return this.entries.length;
  }

  clear(): void {
    for (const e of this.entries) this.backend.disposeData(e.derived.dataId);
    this.entries = [];
  }

  private dropStale(): void {
    const alive = (e: Entry): boolean => this.backend.dataIdMap.has(e.source);
    if (this.entries.every(alive)) return;
    for (const e of this.entries) if (!alive(e)) this.backend.disposeData(e.derived.dataId);
    this.entries = this.entries.filter(alive);
  }

  /** Evicts least recently used entries until at most `limit` bytes are held (the newest always stays). */
  private evictBeyond(limit: number): void {
    let total = this.entries.reduce((sum, e) => sum + e.bytes, 0);
    while (total > limit && this.entries.length > 1) {
      const oldest = this.entries.shift() as Entry;
      total -= oldest.bytes;
      this.backend.disposeData(oldest.derived.dataId);
    }
  }
}

const caches = new WeakMap<BackendWasm, DerivedCache>();

function cacheFor(backend: BackendWasm): DerivedCache {
  let cache = caches.get(backend);
  if (cache === undefined) {
    cache = new DerivedCache(backend);
    caches.set(backend, cache);
  }
  return cache;
}

/**
 * `make()`'s result for `source`'s data and `key` (which must name everything `make` depends on
 * besides the data), made once and reused while the data lives. `make` returns a new backend
 * tensor; the cache owns it: callers must never dispose what this returns.
 */
export function derivedWeight(backend: BackendWasm, source: TensorInfo, key: string, make: () => TensorInfo): TensorInfo {
  return cacheFor(backend).get(source, key, make);
}

/** The transpose of float32 `matrix` (its data read as [rows, cols]) as [1, cols, rows], cached as above. */
export function transposedOperand(backend: BackendWasm, matrix: TensorInfo, rows: number, cols: number): TensorInfo {
  return derivedWeight(backend, matrix, `transpose ${rows}x${cols}`, () => {
    const x = { dataId: matrix.dataId, shape: [rows, cols], dtype: matrix.dtype };
    const out = wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm: [1, 0] } }) as TensorInfo;
    return { dataId: out.dataId, shape: [1, cols, rows], dtype: out.dtype };
  });
}

/** Derived tensors currently held for `backend` (stale ones freed first): for tests. */
export function derivedWeightCount(backend: BackendWasm): number {
  return cacheFor(backend).size;
}

/** Frees every derived tensor held for `backend` (tests; callers that want the memory back now). */
export function clearDerivedWeights(backend: BackendWasm): void {
  cacheFor(backend).clear();
}
