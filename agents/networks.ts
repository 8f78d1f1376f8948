/**
 * Network builders. The default is the 2013 DQN network (Mnih et al. 2013: conv16 8x8/4, conv32
 * 4x4/2, dense 256, ReLU): about 0.68M parameters and ~3x fewer FLOPs than the 2015 Nature net,
 * enough for our games (simpler than Atari) and trainable on 2 CPU cores. The Nature 2015 net
 * (conv32 8x8/4, conv64 4x4/2, conv64 3x3/1, dense 512) is an option. Weights are seeded.
 *
 * 'patch6' (conv16 6x6/6, conv32 4x4/2, dense 256) is advgym's own, for DQN's wall-time goal: its
 * first layer reads the 84x84 frame as 14x14 non-overlapping 6x6 patches (every pixel once) where
 * the 2013 net slides an 8x8 window every 4 pixels (20x20 windows, each pixel up to 4 times): the
 * first layer does 3.6x fewer multiply-adds and the net 2.8x fewer (1.04M against 2.96M per
 * frame). Side by side on busy cores, a DQN update ran 2.3x faster and the whole training loop
 * 1.6-1.8x (bench/dqn.ts times the loop). The observation stays 84x84, so attacks and transfer
 * see the same input as with every other net.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export type Architecture = 'dqn2013' | 'nature2015' | 'patch6';

/**
 * tfjs initializers take seed 0 as "no seed" (an unseeded global draw), so a layer whose running seed hit 0
 * (a run seed drawing -1, then next++) was initialized differently every time. 0 maps to a fixed
 * other value; every other seed is unchanged, so existing runs keep their weights.
 */
export function initializerSeed(seed: number): number {
  return seed === 0 ? 0x5eed : seed;
}

/** Conv layers [filters, kernel size, stride] of each architecture's trunk. */
const TRUNKS: Record<Architecture, ReadonlyArray<readonly [number, number, number]>> = {
  dqn2013: [
    [16, 8, 4],
    [32, 4, 2],
  ],
  nature2015: [
    [32, 8, 4],
    [64, 4, 2],
    [64, 3, 1],
  ],
  patch6: [
    [16, 6, 6],
    [32, 4, 2],
  ],
};

/**
 * The hidden units' nonlinearity. ReLU everywhere by default (Mnih et al. 2013/2015). The others
 * exist for model extraction's substitute (agents/extract/): a ReLU net's input gradient is exactly
 * zero wherever every unit reading a pixel is off, which on Pong's mostly-black frames was 84% of
 * the pixels of the extracted substitute, so Jacobian augmentation and transfer attacks move only
 * the rest. ELU (Clevert et al. 2016) and leaky ReLU (Maas et al. 2013, slope 0.01 below zero) keep
 * a nonzero gradient everywhere. Non-ReLU nets take tf.grad's path in attacks (chainGradient.ts
 * covers relu/linear only).
 */
export const HIDDEN_ACTIVATIONS = ['relu', 'elu', 'leakyRelu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** Leaky ReLU's slope below zero (Maas et al. 2013). */
const LEAKY_ALPHA = 0.01;

export function buildQNetwork(
  inputShape: readonly [number, number, number],
  actionCount: number,
  seed: number,
  architecture: Architecture = 'dqn2013',
  activation: HiddenActivation = 'relu',
): tfl.LayersModel {
  let next = seed;
  const init = (): ReturnType<typeof tfl.initializers.heNormal> => tfl.initializers.heNormal({ seed: initializerSeed(next++) });
  // Leaky ReLU is a layer of its own in tfjs-layers (no activation string); ELU and ReLU are strings.
  const layerActivation = activation === 'leakyRelu' ? 'linear' : activation;
  const after = (): tfl.layers.Layer[] => (activation === 'leakyRelu' ? [tfl.layers.leakyReLU({ alpha: LEAKY_ALPHA })] : []);
  const conv = (filters: number, kernelSize: number, strides: number, first = false): tfl.layers.Layer[] => [
    tfl.layers.conv2d({ filters, kernelSize, strides, activation: layerActivation, kernelInitializer: init(), ...(first ? { inputShape: [...inputShape] } : {}) }),
    ...after(),
  ];
  const trunk = TRUNKS[architecture].flatMap(([filters, kernelSize, strides], i) => conv(filters, kernelSize, strides, i === 0));
  return tfl.sequential({
    layers: [
      ...trunk,
      tfl.layers.flatten(),
      tfl.layers.dense({ units: architecture === 'nature2015' ? 512 : 256, activation: layerActivation, kernelInitializer: init() }),
      ...after(),
      tfl.layers.dense({ units: actionCount, kernelInitializer: tfl.initializers.glorotUniform({ seed: initializerSeed(next++) }) }),
    ],
  });
}

/**
 * Architectures an actor-critic can use: the conv nets above, or 'mlp' (flatten, dense 64, ReLU)
 * for tiny test and debugging envs whose observations are too small for 8x8 stride-4 convolutions.
 */
export type ActorCriticArchitecture = Architecture | 'mlp';

/**
 * The A3C network (Mnih et al. 2016, "A3C FF"): one shared trunk with two heads, policy logits
 * (output 0, so it is what Policy.logits and every attack read) and the state value V(s)
 * (output 1). The trunk is the same as buildQNetwork's, so DQN and A3C agents present attacks
 * with the same architecture (Huang et al. compare them and transfer between them).
 */
export function buildActorCritic(
  inputShape: readonly [number, number, number],
  actionCount: number,
  seed: number,
  architecture: ActorCriticArchitecture = 'dqn2013',
): tfl.LayersModel {
  return buildHeadedNetwork(inputShape, actionCount, seed, architecture, ['policy', 'value']);
}

/**
 * TRPO's separate nets (Schulman et al. 2015 fit the value function apart from the policy, so the
 * KL-bounded policy step and the value regression do not move each other's weights): the
 * actor-critic's trunk with only the policy head (logits, output 0 as every Policy reads) or only
 * the value head.
 */
export function buildPolicyNetwork(inputShape: readonly [number, number, number], actionCount: number, seed: number, architecture: ActorCriticArchitecture = 'dqn2013'): tfl.LayersModel {
  return buildHeadedNetwork(inputShape, actionCount, seed, architecture, ['policy']);
}

export function buildValueNetwork(inputShape: readonly [number, number, number], seed: number, architecture: ActorCriticArchitecture = 'dqn2013'): tfl.LayersModel {
  return buildHeadedNetwork(inputShape, 0, seed, architecture, ['value']);
}

function buildHeadedNetwork(
  inputShape: readonly [number, number, number],
  actionCount: number,
  seed: number,
  architecture: ActorCriticArchitecture,
  headNames: readonly ('policy' | 'value')[],
): tfl.LayersModel {
  let next = seed;
  const init = (): ReturnType<typeof tfl.initializers.heNormal> => tfl.initializers.heNormal({ seed: initializerSeed(next++) });
  const input = tfl.input({ shape: [...inputShape] });
  let x = input as tfl.SymbolicTensor;
  if (architecture === 'mlp') {
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  } else {
    for (const [filters, kernelSize, strides] of TRUNKS[architecture]) {
      x = tfl.layers.conv2d({ filters, kernelSize, strides, activation: 'relu', kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
    }
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: architecture === 'nature2015' ? 512 : 256, activation: 'relu', kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  }
  // Small initial policy weights keep the first policy close to uniform (high entropy), so early
  // rollouts explore every action; CleanRL and SB3 initialise the policy head with gain 0.01.
  // Seeds drawn in the same order whichever heads are built, so a policy-only net starts as the
  // actor-critic's policy path would.
  const policySeed = next++;
  const valueSeed = next++;
  const heads = {
    policy: () => tfl.layers.dense({ units: actionCount, name: 'policy_logits', kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: initializerSeed(policySeed) }) }).apply(x) as tfl.SymbolicTensor,
    value: () => tfl.layers.dense({ units: 1, name: 'value', kernelInitializer: tfl.initializers.glorotUniform({ seed: initializerSeed(valueSeed) }) }).apply(x) as tfl.SymbolicTensor,
  };
  return tfl.model({ inputs: input, outputs: headNames.map((name) => heads[name]()) });
}
