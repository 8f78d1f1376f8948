/**
 * Adam (Kingma & Ba 2015) with tf.train.adam's exact arithmetic and saved state, but one kernel
 * per variable on the wasm and cpu backends (kernels/adamStep.ts) where tf.train.adam runs 14 plus
 * scalar uploads: for the 2013 DQN net on wasm, ~2 -> ~0.45 ms per step at 42x42 and ~6 -> ~1.3 ms
 * at 84x84 (on cpu ~12x faster). Other backends (tfjs-node, webgl) run tf.train.adam's own ops.
 *
 * Drop-in for tf.train.adam: same constructor arguments and defaults, same class name ('Adam'),
 * config and getWeights()/setWeights() layout (iterations, then every variable's m as
 * `<variable>/m`, then every v as `<variable>/v`; moments matched to variables by their position
 * in applyGradients' list, as tf's), so checkpoints written with either load into either.
 * Results equal tf.train.adam's to the float32 bit on cpu and wasm (tested), because b1^t and
 * b2^t are kept as the same float32 running products tf keeps in its scalar variables.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_STEP, registerAdamStepKernels, type AdamStepAttrs } from './kernels/adamStep.ts';

registerAdamStepKernels();

interface Moment {
  /** `<variable name>/m` or `/v`: the name the state is saved under. */
  readonly originalName: string;
  readonly variable: tf.Variable;
}

/** tfjs-core's NamedTensor (not exported from its index). */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

const f32 = Math.fround;

/** A moment slot as tf.train.adam creates it: zeros like the weight, a non-trainable variable. */
function zeroMoment(originalName: string, weight: tf.Variable): Moment {
  return { originalName, variable: tf.tidy(() => tf.zerosLike(weight).variable(false)) };
}

export class FusedAdam extends tf.Optimizer {
  /** tf.train.adam's class name, so saved optimizer files are interchangeable. */
  static get className(): string {
    return 'Adam';
  }

  readonly epsilon: number;
  /** beta1^t and beta2^t for the next step t, as float32 values (tf keeps them in float32 variables). */
  private accBeta1: number;
  private accBeta2: number;
  private firstMoments: Moment[] = [];
  private secondMoments: Moment[] = [];

  constructor(
    /** Mutable so a training loop can follow a learning-rate schedule; the next step uses it. */
    public learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    epsilon: number | null = null,
  ) {
    super();
    // tf.train.adam's default: the backend's epsilon (1e-7 for float32 backends).
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: Array<[string, tf.Tensor | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const attrs: AdamStepAttrs = {
      beta1: f32(this.beta1),
      oneMinusBeta1: f32(1 - this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta2: f32(1 - this.beta2),
      biasCorrection1: f32(1 - this.accBeta1),
      biasCorrection2: f32(1 - this.accBeta2),
      epsilon: f32(this.epsilon),
      negLearningRate: f32(-this.learningRate),
    };
    const fused = tf.getKernel(ADAM_STEP, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      entries.forEach(([name, gradient], i) => {
        const weight = tf.engine().registeredVariables[name];
        if (weight === undefined) throw new Error(`FusedAdam.applyGradients: no variable named '${name}'`);
        const m = (this.firstMoments[i] ??= zeroMoment(`${name}/m`, weight)).variable;
        const v = (this.secondMoments[i] ??= zeroMoment(`${name}/v`, weight)).variable;
        if (gradient === undefined || gradient === null) return;
        if (fused && weight.dtype === 'float32' && gradient.dtype === 'float32') fusedStep(weight, gradient, m, v, attrs);
        else opsStep(weight, gradient, m, v, attrs);
      });
    });
    this.accBeta1 = f32(this.accBeta1 * attrs.beta1);
    this.accBeta2 = f32(this.accBeta2 * attrs.beta2);
    this.incrementIterations();
  }

  override dispose(): void {
    tf.dispose([...this.firstMoments, ...this.secondMoments].map((moment) => moment.variable));
    this.firstMoments = [];
    this.secondMoments = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const moments = [...this.firstMoments, ...this.secondMoments];
    return [await this.saveIterations(), ...moments.map((moment) => ({ name: moment.originalName, tensor: moment.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const moments = await this.extractIterations(weightValues);
    // As tf.train.adam does on load: beta^t by pow() on the backend (~1e-7 from the running product).
    const power = (beta: number): number => tf.tidy(() => tf.pow(beta, this.iterations_ + 1).dataSync()[0] ?? Number.NaN);
    this.accBeta1 = power(this.beta1);
    this.accBeta2 = power(this.beta2);
    const count = moments.length / 2;
    const toMoment = (w: NamedTensor): Moment => ({ originalName: w.name, variable: w.tensor.variable(false) });
    const first = moments.slice(0, count).map(toMoment);
    const second = moments.slice(count, 2 * count).map(toMoment);
    // Freed only now: the new moments may be the old ones' own values (setWeights(getWeights())).
    this.dispose();
    this.firstMoments = first;
    this.secondMoments = second;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config['learningRate'], config['beta1'], config['beta2'], config['epsilon']);
  }
}

/** tf.train.adam's signature and defaults, advgym's fused Adam. */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null): FusedAdam {
  return new FusedAdam(learningRate, beta1, beta2, epsilon);
}

function fusedStep(weight: tf.Variable, gradient: tf.Tensor, m: tf.Variable, v: tf.Variable, attrs: AdamStepAttrs): void {
  const [newWeight, newM, newV] = tf.engine().runKernel(ADAM_STEP, { weight, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  m.assign(newM as tf.Tensor);
  v.assign(newV as tf.Tensor);
  weight.assign(newWeight as tf.Tensor);
}

/**
 * tf.train.adam's own op sequence (AdamOptimizer.applyGradients), for backends without ADAM_STEP;
 * the attrs are the float32 values tf's scalar operands hold.
 */
function opsStep(weight: tf.Variable, gradient: tf.Tensor, m: tf.Variable, v: tf.Variable, a: AdamStepAttrs): void {
  const newM = tf.add(tf.mul(m, a.beta1), tf.mul(gradient, a.oneMinusBeta1));
  const newV = tf.add(tf.mul(v, a.beta2), tf.mul(tf.square(gradient), a.oneMinusBeta2));
  const mHat = tf.div(newM, a.biasCorrection1);
  const vHat = tf.div(newV, a.biasCorrection2);
  m.assign(newM);
  v.assign(newV);
  weight.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), a.epsilon)), a.negLearningRate), weight));
}
