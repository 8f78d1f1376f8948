/**
 * Weight averaging: the element-wise mean of several snapshots of one network (stochastic weight
 * averaging, Izmailov et al. 2018; applied to DQN by Nikishin et al. 2018). Snapshots taken late
 * in one run, while the learning rate anneals, lie in one basin of the loss; their mean is a single
 * network of the same architecture, as cheap to run and to attack as any snapshot, and usually
 * plays better than a typical one because it smooths out the last updates' noise.
 * tfjs has no such operation, hence this file.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { FileError, UserError } from '../src/core/errors.ts';
import { loadModel, MODEL_JSON } from '../src/core/tensor/fileIO.ts';

/**
 * Loads the model folders and returns the first one's network holding the mean of all their
 * weights. Every folder must hold the same layers with the same weight shapes.
 */
export async function averageModelWeights(dirs: readonly string[]): Promise<tfl.LayersModel> {
  if (dirs.length < 2) throw new UserError(`weight averaging needs at least 2 model folders, got ${dirs.length}`);
  const [firstDir, ...otherDirs] = dirs as [string, ...string[]];
  const base = await loadModel(firstDir);
  const sums = base.getWeights().map((weight) => tf.keep(weight.clone()));
  try {
    for (const dir of otherDirs) {
      const model = await loadModel(dir);
      try {
        const weights = model.getWeights();
        checkSameShapes(firstDir, sums, dir, weights);
        for (const [i, weight] of weights.entries()) {
          const sum = sums[i] as tf.Tensor;
          sums[i] = tf.keep(tf.add(sum, weight));
          sum.dispose();
        }
      } finally {
        model.dispose();
      }
    }
    const means = tf.tidy(() => sums.map((sum) => tf.div(sum, dirs.length)));
    base.setWeights(means);
    tf.dispose(means);
    return base;
  } catch (error) {
    base.dispose();
    throw error;
  } finally {
    // setWeights copies the values into the model's variables, so the sums can go.
    tf.dispose(sums);
  }
}

function checkSameShapes(firstDir: string, reference: readonly tf.Tensor[], dir: string, weights: readonly tf.Tensor[]): void {
  const describe = (list: readonly tf.Tensor[]): string => list.map((w) => w.shape.join('x')).join(', ');
  if (weights.length !== reference.length || weights.some((w, i) => w.shape.join('x') !== reference[i]?.shape.join('x'))) {
    throw new FileError(join(dir, MODEL_JSON), `has weights ${describe(weights)} but ${join(firstDir, MODEL_JSON)} has ${describe(reference)}: only snapshots of one architecture can be averaged`);
  }
}
