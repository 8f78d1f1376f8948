/** A small, seeded conv Q-network for 84x84x4 saved as a model folder, for end-to-end tests. */
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../src/core/tensor/fileIO.ts';

export function tinyQNetwork(actions = 3, seed = 1): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [84, 84, 4], filters: 4, kernelSize: 8, strides: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: actions, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
}

export async function saveTinyAgent(dir: string, actions = 3, seed = 1): Promise<void> {
  await saveModel(tinyQNetwork(actions, seed), dir);
  writeFileSync(join(dir, 'agent.json'), JSON.stringify({ algorithm: 'dqn', env: { id: 'Pong-v0' }, inputShape: [84, 84, 4], actionCount: actions }));
}
