/**
 * The kernels advgym adds to, or replaces in, the wasm backend (see each file for why):
 * - Conv2DBackpropFilter: missing from tfjs-backend-wasm 4.22, so conv nets could not train.
 * - Conv2DBackpropInput: shipped, but a direct loop; ours is one XNNPACK convolution (sub-pixel form)
 *   or an XNNPACK matMul + col2im.
 * - BatchMatMul: shipped; ours transposes explicitly so transposed products take XNNPACK's fast path.
 * - Identity: shipped, but copies; ours shares the data (every tensor a gradient saves is cloned).
 * - Sign, Maximum, Minimum: shipped as per-element C++ loops 50-100x slower than XNNPACK's Add;
 *   ours are SIMD passes with the same results (elementwise.ts): every FGSM/PGD step takes a sign.
 * - GatherV2: shipped as a per-element C++ loop; ours copies whole rows along axis 0 (gather.ts).
 * Registration is idempotent and must happen before or after the wasm backend initialises alike.
 * (advgym's own fused-Adam kernel, AdvgymAdamStep, for wasm and cpu, is registered by the
 * optimizer that uses it: src/core/tensor/adam.ts and kernels/adamStep.ts. The attacks' fused
 * PGD step and row select, for wasm and cpu, by registerOpKernels below, from initBackend.)
 * A kernel added where tfjs ships none is skipped if a future tfjs release ships one.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasmConfig } from './conv2dBackpropFilter.ts';
import { conv2DBackpropInputWasmConfig } from './conv2dBackpropInput.ts';
import { batchMatMulWasmConfig } from './batchMatMul.ts';
import { identityWasmConfig } from './identity.ts';
import { gatherV2WasmConfig } from './gather.ts';
import { registerLinfPgdStepKernels } from './linfPgdStep.ts';
import { simdLinfStep } from './linfPgdStepSimd.ts';
import { registerSelectRowsKernels } from './selectRows.ts';
import { maximumWasmConfig, minimumWasmConfig, signWasmConfig } from './elementwise.ts';

interface Entry {
  make: () => KernelConfig;
  /** true: replace the shipped kernel; false: only fill a gap. */
  replaces: boolean;
}

const WASM_KERNELS: readonly Entry[] = [
  { make: () => conv2DBackpropFilterWasmConfig, replaces: false },
  { make: () => conv2DBackpropInputWasmConfig, replaces: true },
  { make: batchMatMulWasmConfig, replaces: true },
  { make: () => identityWasmConfig, replaces: true },
  { make: signWasmConfig, replaces: true },
  { make: maximumWasmConfig, replaces: true },
  { make: minimumWasmConfig, replaces: true },
  { make: gatherV2WasmConfig, replaces: true },
];
const registered = new Set<string>();

/**
 * advgym's own ops' kernels, for wasm and cpu (their op functions fall back to tf ops where these
 * are missing, as on the web page): the fused l-inf PGD step (with its SIMD runner) and SelectRows.
 * Idempotent.
 */
export function registerOpKernels(): void {
  registerLinfPgdStepKernels(simdLinfStep);
  registerSelectRowsKernels();
}
let done = false;

export function registerWasmKernels(): void {
  if (done) return;
  done = true;
  for (const entry of WASM_KERNELS) {
    const config = entry.make();
    const existing = getKernel(config.kernelName, config.backendName) as KernelConfig | undefined;
    if (existing !== undefined) {
      if (!entry.replaces) continue;
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
    registered.add(config.kernelName);
  }
}

/** Names of the kernels advgym registered for wasm, for run metadata. */
export function registeredWasmKernels(): string[] {
  return [...registered].sort();
}
