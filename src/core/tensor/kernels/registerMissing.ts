/**
 * Registers each of advgym's own kernels (names tfjs does not ship) for its backend unless that
 * backend already has it: idempotent, and independent of which backend is active. The fused Adam
 * step, the fused l-inf PGD step and the row select register through here.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';

export function registerMissingKernels(configs: readonly KernelConfig[]): void {
  for (const config of configs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
