/**
 * Random seeded Conv2D/Flatten/Dense chains for the chain-gradient tests (agents/chainGradient.ts,
 * agents/chainParameterGradient.ts): strides 1-3 and unequal, 'valid' and 'same' padding, relu and
 * linear, with and without bias.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../../src/core/rng.ts';

export interface RandomChain {
  readonly model: tfl.LayersModel;
  readonly description: string;
}

interface Trunk {
  readonly layers: tfl.layers.Layer[];
  readonly parts: string[];
  readonly seed: () => number;
  readonly bias: () => ReturnType<typeof tfl.initializers.randomNormal>;
}

/** Convolutions, a flatten and 0-2 hidden dense layers; the first layer carries the input shape. */
function randomTrunk(rng: Rng): Trunk {
  const height = rng.int(9, 20);
  const width = rng.int(9, 20);
  const channels = rng.int(1, 4);
  let size: [number, number] = [height, width];
  const parts: string[] = [`in ${height}x${width}x${channels}`];
  const layers: tfl.layers.Layer[] = [];
  const seed = (): number => rng.int(0, 1_000_000);
  const bias = (): ReturnType<typeof tfl.initializers.randomNormal> => tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed() });
  const convs = rng.int(1, 3);
  for (let i = 0; i < convs; i++) {
    const strides: [number, number] = rng.chance(0.2) ? [2, 1] : [rng.int(1, 3), 0];
    strides[1] ||= strides[0];
    const padding = rng.pick(['valid', 'same'] as const);
    const kernelSize = Math.min(rng.int(1, 5), size[0], size[1]);
    const activation = rng.pick(['relu', 'linear'] as const);
    const useBias = rng.chance(0.8);
    layers.push(
      tfl.layers.conv2d({
        ...(i === 0 ? { inputShape: [height, width, channels] } : {}),
        filters: rng.int(2, 8),
        kernelSize,
        strides,
        padding,
        activation,
        useBias,
        kernelInitializer: tfl.initializers.glorotNormal({ seed: seed() }),
        ...(useBias ? { biasInitializer: bias() } : {}),
      }),
    );
    size = padding === 'same'
      ? [Math.ceil(size[0] / strides[0]), Math.ceil(size[1] / strides[1])]
      : [Math.floor((size[0] - kernelSize) / strides[0]) + 1, Math.floor((size[1] - kernelSize) / strides[1]) + 1];
    parts.push(`conv k${kernelSize} s${strides.join('x')} ${padding} ${activation}${useBias ? '' : ' nobias'}`);
  }
  layers.push(tfl.layers.flatten());
  const hidden = rng.int(0, 2);
  for (let i = 0; i < hidden; i++) {
    const activation = rng.pick(['relu', 'linear'] as const);
    layers.push(tfl.layers.dense({ units: rng.int(3, 24), activation, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed() }), biasInitializer: bias() }));
    parts.push(`dense ${activation}`);
  }
  return { layers, parts, seed, bias };
}

/** A random Sequential chain whose spatial size never drops below 1. */
export function randomChain(rng: Rng): RandomChain {
  const { layers, parts, seed, bias } = randomTrunk(rng);
  layers.push(tfl.layers.dense({ units: rng.int(2, 6), kernelInitializer: tfl.initializers.glorotNormal({ seed: seed() }), biasInitializer: bias() }));
  return { model: tfl.sequential({ layers }), description: parts.join(', ') };
}

/**
 * A random trunk (as randomChain's, without its output layer) and two heads on its output, each
 * 0-1 hidden dense layers then a linear dense output: the shape of the A3C actor-critic.
 */
export function randomTwoHeadNet(rng: Rng): RandomChain {
  const { layers, parts, seed, bias } = randomTrunk(rng);
  const first = layers[0];
  const inputShape = first?.batchInputShape?.slice(1);
  if (first === undefined || inputShape === undefined) throw new Error('randomTwoHeadNet: the trunk has no input shape');
  const input = tfl.input({ shape: inputShape as number[] });
  let x = input;
  for (const layer of layers) x = layer.apply(x) as tfl.SymbolicTensor;
  const outputs = [0, 1].map((k) => {
    let y = x;
    if (rng.chance(0.5)) {
      const activation = rng.pick(['relu', 'linear'] as const);
      y = tfl.layers.dense({ units: rng.int(3, 12), activation, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed() }), biasInitializer: bias() }).apply(y) as tfl.SymbolicTensor;
      parts.push(`head ${k} dense ${activation}`);
    }
    return tfl.layers.dense({ units: rng.int(1, 6), kernelInitializer: tfl.initializers.glorotNormal({ seed: seed() }), biasInitializer: bias() }).apply(y) as tfl.SymbolicTensor;
  });
  return { model: tfl.model({ inputs: input, outputs }), description: parts.join(', ') };
}
