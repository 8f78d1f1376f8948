/**
 * Model and optimizer files without tfjs-node. A model folder holds `model.json` + `weights.bin`
 * in the standard tfjs layers format (the files tfjs-node's `file://` handler writes and reads, and
 * `tf.loadLayersModel` loads in a browser), so models trained here load anywhere tfjs runs.
 * Training checkpoints add `optimizer.json` + `optimizer.bin` (the optimizer's class, config and
 * slot variables, e.g. Adam's moments and step count) so a resumed run continues exactly.
 * Every file is written atomically; a missing or corrupt file is a one-line FileError naming it.
 * model.json also carries `weightsSha256`, the sha256 of weights.bin (an extra top-level field that
 * tfjs ignores), so a right-sized file of other bytes is caught on load; folders without it still load.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../files/atomicWrite.ts';
import { FileError } from '../errors.ts';
import { FusedAdam } from './adam.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

/** model.json as written here: the tfjs format plus the weights' content hash. */
type AdvgymModelJson = tf.io.ModelJSON & { weightsSha256?: string };

export function sha256Hex(bytes: Uint8Array | ArrayBuffer): string {
  return createHash('sha256').update(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).digest('hex');
}

/** An IOHandler whose save() writes `dir/model.json` and `dir/weights.bin`. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology === undefined || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new FileError(join(dir, MODEL_JSON), 'only layers-model topologies can be saved (got none or a binary GraphDef)');
      }
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: AdvgymModelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      modelJson.weightsSha256 = sha256Hex(weightData);
      // Weights first: a reader that finds model.json then finds the weights it describes.
      writeFileAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      writeJsonAtomic(join(dir, MODEL_JSON), modelJson);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** An IOHandler whose load() reads a folder written by fileSaveHandler or tfjs-node. */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      const modelJson = readJson(jsonPath) as Partial<AdvgymModelJson>;
      if (typeof modelJson !== 'object' || modelJson === null || typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
        throw new FileError(jsonPath, 'not a tfjs model.json (no modelTopology)');
      }
      if (!Array.isArray(modelJson.weightsManifest)) throw new FileError(jsonPath, 'not a tfjs model.json (no weightsManifest)');
      return tf.io.getModelArtifactsForJSON(modelJson as tf.io.ModelJSON, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) => group.paths.map((p) => readBytes(join(dir, p))));
        const data = tf.io.CompositeArrayBuffer.join(buffers);
        const expected = byteLength(specs, jsonPath);
        if (data.byteLength !== expected) {
          const where = manifest.flatMap((group) => group.paths).map((p) => join(dir, p)).join(', ');
          throw new FileError(where, `holds ${data.byteLength} bytes of weights, ${MODEL_JSON} describes ${expected} (truncated or mismatched)`);
        }
        const recorded = modelJson.weightsSha256;
        if (typeof recorded === 'string' && sha256Hex(data) !== recorded) {
          const where = manifest.flatMap((group) => group.paths).map((p) => join(dir, p)).join(', ');
          throw new FileError(where, `content does not match the sha256 in ${MODEL_JSON} (corrupt, or replaced by other weights of the same size)`);
        }
        return [specs, data];
      });
    },
  };
}

/** Saves a tfjs-layers model to `dir` (model.json + weights.bin). */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(dir));
}

/** Loads a layers model saved by saveModel (or by tfjs-node's file:// handler). */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(fileLoadHandler(dir));
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(join(dir, MODEL_JSON), `cannot build the model: ${firstLine(error)}`);
  }
}

interface OptimizerFile {
  format: 'advgym-optimizer';
  className: string;
  config: tf.serialization.ConfigDict;
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/**
 * Saves an optimizer's class, hyper-parameters and state (Adam: step count and both moments;
 * RMSProp: the accumulators) to `dir/optimizer.json` + `dir/optimizer.bin`.
 */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  const file: OptimizerFile = { format: 'advgym-optimizer', className: optimizer.getClassName(), config: optimizer.getConfig(), weightSpecs: specs };
  // getWeights() hands out the slots themselves (variables) plus a fresh step-count tensor: only
  // that one is ours to free (left alone, every checkpoint kept one tensor alive).
  for (const weight of weights) if (!(weight.tensor instanceof tf.Variable)) weight.tensor.dispose();
  writeFileAtomic(join(dir, OPTIMIZER_BIN), new Uint8Array(data));
  writeJsonAtomic(join(dir, OPTIMIZER_JSON), file);
}

/** advgym's optimizers that load in place of tfjs's of the same class name (same state and results, faster). */
const OWN_OPTIMIZERS: Readonly<Record<string, typeof FusedAdam>> = { [FusedAdam.className]: FusedAdam };

function optimizerFromConfig(className: string, config: tf.serialization.ConfigDict, jsonPath: string): tf.Optimizer {
  const own = OWN_OPTIMIZERS[className];
  if (own !== undefined) return own.fromConfig(own, config) as FusedAdam;
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (registered === undefined) throw new FileError(jsonPath, `unknown optimizer class '${className}'`);
  const [cls, fromConfig] = registered;
  return fromConfig(cls, config) as tf.Optimizer;
}

/**
 * Rebuilds an optimizer saved by saveOptimizer, state included. An Adam file (tf.train.adam's or
 * advgym's: one format) loads as advgym's fused Adam (src/core/tensor/adam.ts). tfjs optimizers match
 * their slots to variables by position in the gradient map, so the model must have the same
 * architecture (its variable names may differ, as they do after loadModel).
 */
export async function loadOptimizer(dir: string): Promise<tf.Optimizer> {
  const jsonPath = join(dir, OPTIMIZER_JSON);
  const file = readJson(jsonPath) as Partial<OptimizerFile>;
  if (file?.format !== 'advgym-optimizer' || typeof file.className !== 'string' || !Array.isArray(file.weightSpecs) || typeof file.config !== 'object') {
    throw new FileError(jsonPath, 'not an advgym optimizer file (format, className, config, weightSpecs)');
  }
  const optimizer = optimizerFromConfig(file.className, file.config, jsonPath);
  const binPath = join(dir, OPTIMIZER_BIN);
  const data = readBytes(binPath);
  const expected = byteLength(file.weightSpecs, jsonPath);
  if (data.byteLength !== expected) {
    throw new FileError(binPath, `holds ${data.byteLength} bytes, ${OPTIMIZER_JSON} describes ${expected} (truncated or mismatched)`);
  }
  const decoded = tf.io.decodeWeights(data, file.weightSpecs);
  try {
    await optimizer.setWeights(file.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] as tf.Tensor })));
  } finally {
    // setWeights makes its own variables (sharing the data, which they keep alive) and reads the
    // step count: the decoded tensors are ours to free (left alone, every load kept them all).
    tf.dispose(Object.values(decoded));
  }
  return optimizer;
}

function readBytes(path: string): ArrayBuffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new FileError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${firstLine(error)}`);
  }
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function readJson(path: string): unknown {
  const text = new TextDecoder().decode(readBytes(path));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FileError(path, `corrupt JSON: ${firstLine(error)}`);
  }
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/** Bytes the weight specs describe (quantized weights use their stored dtype's size). */
function byteLength(specs: readonly tf.io.WeightsManifestEntry[], jsonPath: string): number {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_ELEMENT[dtype];
    if (size === undefined || !Array.isArray(spec.shape)) throw new FileError(jsonPath, `weight '${spec.name}' has an unsupported dtype or shape`);
    total += spec.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
