/** advgym's public API: everything the CLI does is available to researchers as a library. */
export { makeEnv, listEnvs, type EnvOptions } from '../envs/index.ts';
export * from './core/gym/index.ts';
export { Rng } from './core/rng.ts';
export type { Policy } from '../agents/policy.ts';
export { LayersPolicy } from '../agents/layersPolicy.ts';
export { loadPolicy } from '../agents/loadPolicy.ts';
export { evaluate, evaluateRandom, type Evaluation } from '../agents/evaluate.ts';
export { buildQNetwork } from '../agents/networks.ts';
export * from './lab/adversary/index.ts';
export { parseExperiment, loadExperiment, experimentJsonSchema, type ExperimentConfig } from './lab/experiment/config.ts';
export { runExperiment, type ExperimentResult, type ConditionSummary } from './lab/experiment/runner.ts';
export { createRunFolder, writeRunFolder } from './lab/experiment/runFolder.ts';
export { initBackend, backendInfo } from './core/tensor/backend.ts';
export { saveModel, loadModel, saveOptimizer, loadOptimizer } from './core/tensor/fileIO.ts';
export { writeGif, encodeGif } from './core/plot/gif.ts';
export { writePng, readPng } from './core/plot/png.ts';
export { renderLinePlot } from './core/plot/linePlot.ts';
export { UserError, FileError } from './core/errors.ts';
