/** The constants of one fused Adam step, shared by its two implementations (adamStep.ts, adamSimd.ts). */

/** The step's constants, each already a float32 value (Math.fround) as tf's scalar tensors hold them. */
export interface AdamStepAttrs {
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  /** 1 - beta1^t and 1 - beta2^t, the bias corrections of step t. */
  readonly biasCorrection1: number;
  readonly biasCorrection2: number;
  readonly epsilon: number;
  /** -learningRate. */
  readonly negLearningRate: number;
}
