/** One line of models-index.json: what the page knows about a model before loading it. */
export interface ModelEntry {
  /** The model's folder name, e.g. 'pong-dqn'. */
  readonly name: string;
  /** URL of the folder relative to the page, ending in '/': agent.json, model.json, weights.bin. */
  readonly path: string;
  /** The env id it was trained on (agent.json env.id), e.g. 'Pong-v0'. */
  readonly env: string;
  /** The makeEnv options it was trained with (agent.json env.options). */
  readonly envOptions: Readonly<Record<string, unknown>>;
  readonly algorithm: string;
  readonly actionCount: number;
  /** Mean evaluation return from agent.json, when it records one. */
  readonly meanReturn?: number;
}

export const MODELS_INDEX = 'models-index.json';
