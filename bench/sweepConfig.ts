/**
 * The sweep benchmarks' config: experiments/huang-pong-dqn.json trimmed to a few conditions of its
 * grid, with Huang's full 21-point matches (so each unit is seconds long, as in the real sweep) and
 * 2 episodes each. Shared by bench/sweep.ts and bench/sweepProfile.ts so both time the same units.
 */
import { loadExperiment, parseExperiment, type ExperimentConfig } from '../src/lab/experiment/config.ts';

export function trimmedHuang(): ExperimentConfig {
  const huang = loadExperiment('experiments/huang-pong-dqn.json');
  return parseExperiment({
    ...huang,
    name: 'bench-sweep',
    episodes: 2,
    conditions: [
      { attack: 'none' },
      { attack: 'fgsm', eps: [0.0005, 0.002], norm: 'linf' },
      { attack: 'random', eps: [0.002], norm: 'linf' },
      { attack: 'fgsm', eps: [0.042], norm: 'l2' },
    ],
    record: { conditions: [] },
  });
}
