/**
 * Identity for wasm without a copy. tfjs records a gradient by cloning (Identity) every tensor a
 * backward pass needs, weights included; the shipped wasm Identity copies the data, so each FGSM
 * step on the 2013 DQN net copied its 2.7 MB dense kernel (~0.2-0.4 ms), and the copy's fresh data
 * id also defeated XNNPACK's per-weights packing cache. tfjs never writes into existing data (a
 * tensor's values are fixed at creation, variables swap data ids on assign), so sharing the data
 * with a reference count is safe: it is what the cpu and webgl backends' Identity and the wasm
 * backend's own Reshape already do.
 */
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function identityWasm(args: { inputs: { x?: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { x } = args.inputs;
  if (x === undefined) throw new Error('Identity needs input x');
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const identityWasmConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identityWasm as unknown as KernelFunc,
};
