/**
 * The kernels advgym adds to tfjs backends. Registering is idempotent; a kernel the backend
 * already has (a future tfjs release may ship Conv2DBackpropFilter for wasm) is left alone.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasmConfig } from './conv2dBackpropFilter.ts';

const WASM_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterWasmConfig];
const registered = new Set<string>();

export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (registered.has(config.kernelName)) continue;
    if (getKernel(config.kernelName, config.backendName) !== undefined) continue;
    registerKernel(config);
    registered.add(config.kernelName);
  }
}

/** Names of the kernels advgym registered for wasm, for run metadata. */
export function registeredWasmKernels(): string[] {
  return [...registered].sort();
}
