/**
 * Network builders. The default is the 2013 DQN network (Mnih et al. 2013: conv16 8x8/4, conv32
 * 4x4/2, dense 256, ReLU): about 0.68M parameters and ~3x fewer FLOPs than the 2015 Nature net,
 * enough for our games (simpler than Atari) and trainable on 2 CPU cores. The Nature 2015 net
 * (conv32 8x8/4, conv64 4x4/2, conv64 3x3/1, dense 512) is an option. Weights are seeded.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export type Architecture = 'dqn2013' | 'nature2015';

export function buildQNetwork(inputShape: readonly [number, number, number], actionCount: number, seed: number, architecture: Architecture = 'dqn2013'): tfl.LayersModel {
  let next = seed;
  const init = (): ReturnType<typeof tfl.initializers.heNormal> => tfl.initializers.heNormal({ seed: next++ });
  const conv = (filters: number, kernelSize: number, strides: number, first = false): tfl.layers.Layer =>
    tfl.layers.conv2d({ filters, kernelSize, strides, activation: 'relu', kernelInitializer: init(), ...(first ? { inputShape: [...inputShape] } : {}) });
  const trunk =
    architecture === 'dqn2013'
      ? [conv(16, 8, 4, true), conv(32, 4, 2)]
      : [conv(32, 8, 4, true), conv(64, 4, 2), conv(64, 3, 1)];
  return tfl.sequential({
    layers: [
      ...trunk,
      tfl.layers.flatten(),
      tfl.layers.dense({ units: architecture === 'dqn2013' ? 256 : 512, activation: 'relu', kernelInitializer: init() }),
      tfl.layers.dense({ units: actionCount, kernelInitializer: tfl.initializers.glorotUniform({ seed: next++ }) }),
    ],
  });
}
