// How learnable is a Pong victim's argmax from the game's exact state (not its pixels)? A ceiling
// check for model extraction (docs/results.md "Model extraction"): if a learner given the true
// ball and paddle positions and velocities of the last 4 agent steps cannot predict the victim's
// action on new states of its play, a pixel substitute trained on as many labels will not either.
//   node --import tsx scripts/state-feature-agreement.ts VICTIM [--train-episodes 170] [--sizes 50000,217360] [--mlp]
// Training states: the victim's greedy play on seeds 0, 1, ... (what `advgym extract` labels with
// its default --oracle-acts 1); held out: seeds 900000 and 900001, as extraction's agreement. It
// prints, per training size, the 1-nearest-neighbour agreement (overall and by quartile of the
// distance to the nearest training state) and with --mlp that of a 3x256 ReLU MLP (Adam 1e-3,
// 60 epochs of batches of 256, seed 0). The features are read from the bare game env under the
// wrappers (makeEnv's wrapGame hook); the victim never sees them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../agents/loadPolicy.ts';
import type { Policy } from '../agents/policy.ts';
import { makeEnv } from '../envs/index.ts';
import type { PongState } from '../envs/pong.ts';
import { Rng } from '../src/core/rng.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

/** Steps of history in a feature row: the frame stack's depth, so the features see what the pixels do. */
const HISTORY = 4;
const PER_STEP = 7;
const WIDTH = HISTORY * PER_STEP;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'train-episodes': { type: 'string', default: '170' }, sizes: { type: 'string', default: '50000,217360' }, mlp: { type: 'boolean', default: false } } });
const [victimDir] = positionals;
if (victimDir === undefined) throw new Error('usage: state-feature-agreement.ts VICTIM [--train-episodes N] [--sizes N,...] [--mlp]');
await initBackend('wasm');
const victim = await loadPolicy(victimDir);
const heldOut = playFeatures(victim, 900_000, 2);
const train = playFeatures(victim, 0, Number(values['train-episodes']));
process.stdout.write(`${victimDir}: ${train.labels.length} training states, ${heldOut.labels.length} held-out states\n`);
for (const size of values.sizes.split(',').map(Number)) {
  const n = Math.min(size, train.labels.length);
  process.stdout.write(nearestNeighbourReport(train, n, heldOut));
  if (values.mlp) process.stdout.write(`n ${n}: MLP on the features agrees ${(mlpAgreement(train, n, heldOut) * 100).toFixed(1)}% on held-out states\n`);
}

interface Features {
  readonly rows: Float32Array;
  readonly labels: Int32Array;
}

/** The victim's greedy play on seeds first, first + 1, ...: per state, the last HISTORY game states' features and the victim's action. */
function playFeatures(policy: Policy, first: number, episodes: number): Features {
  let bare: { currentState(): unknown } | undefined;
  const env = makeEnv('Pong-v0', {}, { wrapGame: (game) => ((bare = game as unknown as { currentState(): unknown }), game) });
  const rows: number[] = [];
  const labels: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation } = env.reset({ seed: first + episode });
    const history: number[][] = [];
    for (;;) {
      history.push(stateFeatures(bare?.currentState() as PongState));
      while (history.length < HISTORY) history.unshift(history[0] as number[]);
      if (history.length > HISTORY) history.shift();
      const action = tf.tidy(() => policy.act(tf.tensor4d(observation, [1, ...(policy.inputShape as [number, number, number])]))[0] ?? 0);
      rows.push(...history.flat());
      labels.push(action);
      const result = env.step(action);
      if (result.terminated || result.truncated) break;
      observation = result.observation;
    }
  }
  env.close();
  return { rows: Float32Array.from(rows), labels: Int32Array.from(labels) };
}

/** Positions and velocities scaled to about [-1, 1] (logical screen 160 x 210, speeds ≤ 5), and whether the ball waits for its serve. */
function stateFeatures(state: PongState): number[] {
  return [state.agentY / 200, state.opponentY / 200, state.ballX / 160, state.ballY / 200, state.ballVx / 5, state.ballVy / 5, state.serveDelay > 0 ? 1 : 0];
}

// Brute-force 1-NN: 2-3k queries against ≤ 220k rows of 28 floats take seconds; no library needed for that.
function nearestNeighbourReport(train: Features, n: number, test: Features): string {
  const found: { distance: number; agrees: boolean }[] = [];
  for (let i = 0; i < test.labels.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    let label = -1;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < WIDTH && d < best; k++) {
        const v = (test.rows[i * WIDTH + k] as number) - (train.rows[j * WIDTH + k] as number);
        d += v * v;
      }
      if (d < best) {
        best = d;
        label = train.labels[j] as number;
      }
    }
    found.push({ distance: Math.sqrt(best), agrees: label === test.labels[i] });
  }
  found.sort((a, b) => a.distance - b.distance);
  const share = (part: typeof found) => ((part.filter((f) => f.agrees).length / part.length) * 100).toFixed(1);
  const quartiles = [0, 1, 2, 3].map((q) => found.slice(Math.floor((q * found.length) / 4), Math.floor(((q + 1) * found.length) / 4)));
  return `n ${n}: 1-NN agrees ${share(found)}% on held-out states; by quartile of the distance to the nearest training state: ${quartiles.map((part) => `${share(part)}% (≤ ${(part.at(-1)?.distance ?? 0).toFixed(3)})`).join(', ')}\n`;
}

function mlpAgreement(train: Features, n: number, test: Features): number {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [WIDTH], units: 256, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 0 }) }),
      tfl.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.tensor2d(train.rows.subarray(0, n * WIDTH), [n, WIDTH]);
  const y = tf.oneHot(tf.tensor1d(train.labels.subarray(0, n), 'int32'), 3);
  // A seeded shuffle per epoch keeps the run reproducible (fit()'s and tf.util's draw from Math.random).
  const rng = Rng.fromSeed(0);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < 60; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let start = 0; start < n; start += 256) {
      tf.tidy(() => {
        const batch = tf.tensor1d(Int32Array.from(order.subarray(start, start + 256)), 'int32');
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.gather(y, batch), model.apply(tf.gather(x, batch)) as tf.Tensor) as tf.Scalar);
      });
    }
  }
  const predicted = Array.from(tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(test.rows, [test.labels.length, WIDTH])) as tf.Tensor, 1).dataSync()));
  x.dispose();
  y.dispose();
  model.dispose();
  optimizer.dispose();
  return predicted.reduce((sum, action, i) => sum + (action === test.labels[i] ? 1 : 0), 0) / test.labels.length;
}
