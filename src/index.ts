/** advgym's public API: everything the CLI does is available to researchers as a library. */
export { makeEnv, listEnvs, type EnvOptions } from '../envs/index.ts';
export * from './gym/index.ts';
export { Rng } from './rng.ts';
export type { Policy } from '../agents/policy.ts';
export { LayersPolicy } from '../agents/layersPolicy.ts';
export { loadPolicy } from '../agents/loadPolicy.ts';
export { evaluate, evaluateRandom, type Evaluation } from '../agents/evaluate.ts';
export { buildQNetwork } from '../agents/networks.ts';
export * from './adversary/index.ts';
export { parseExperiment, loadExperiment, experimentJsonSchema, type ExperimentConfig } from './experiment/config.ts';
export { runExperiment, type ExperimentResult, type ConditionSummary } from './experiment/runner.ts';
export { createRunFolder, writeRunFolder } from './experiment/runFolder.ts';
export { initBackend, backendInfo } from './tensor/backend.ts';
export { saveModel, loadModel, saveOptimizer, loadOptimizer } from './tensor/fileIO.ts';
export { writeGif, encodeGif } from './record/gif.ts';
export { writePng, readPng } from './record/png.ts';
export { renderLinePlot } from './record/linePlot.ts';
export { UserError, FileError } from './errors.ts';
