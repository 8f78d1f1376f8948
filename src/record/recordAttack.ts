/** `advgym record --model DIR --attack ...`: attack-panel frames of a trained agent's episodes. */
import { loadPolicy } from '../../agents/loadPolicy.ts';
import { AdversarialObservation } from '../adversary/adversarialObservation.ts';
import { makeAttack, makeTiming } from '../adversary/fromConfig.ts';
import type { Env, RgbFrame } from '../gym/env.ts';
import { runEpisode } from '../experiment/episode.ts';
import { Rng } from '../rng.ts';
import { UserError } from '../errors.ts';
import { initBackendFromFlag } from '../commands/checks.ts';

export interface AttackRecordOptions {
  readonly attack: string;
  readonly eps: number;
  readonly norm: string;
  readonly backend: string | undefined;
  readonly episodes: number;
  readonly seed: number;
  readonly maxFrames: number;
}

const ATTACKS = ['fgsm', 'pgd', 'random'] as const;
const NORMS = ['linf', 'l2', 'l1'] as const;

export async function recordAttackGif(env: Env<Float32Array>, modelDir: string, options: AttackRecordOptions): Promise<{ frames: RgbFrame[]; returns: number[] }> {
  await initBackendFromFlag(options.backend);
  const victim = await loadPolicy(modelDir);
  const norm = NORMS.find((n) => n === options.norm);
  if (norm === undefined) throw new UserError(`--norm: must be one of ${NORMS.join(', ')}, got '${options.norm}'`);
  if (!(options.eps >= 0)) throw new UserError(`--eps: must be >= 0, got ${options.eps}`);
  const kind = ATTACKS.find((a) => a === options.attack);
  if (kind === undefined && options.attack !== 'none') throw new UserError(`--attack: must be none, ${ATTACKS.join(', ')}; got '${options.attack}'`);
  const frames: RgbFrame[] = [];
  const returns: number[] = [];
  for (let episode = 0; episode < options.episodes && frames.length < options.maxFrames; episode++) {
    const adversary =
      kind === undefined
        ? undefined
        : new AdversarialObservation({
            victim,
            source: victim,
            attack: makeAttack({ kind, eps: options.eps, norm, ...(kind === 'pgd' ? { steps: 10 } : {}) }),
            timing: makeTiming({ kind: 'every' }),
            rng: Rng.fromSeed(options.seed + episode),
          });
    const result = runEpisode(env, victim, adversary, {
      condition: options.attack,
      episode,
      seed: options.seed + episode,
      keepSteps: false,
      recordFrames: options.maxFrames - frames.length,
      maxSteps: options.maxFrames - frames.length,
      panelScale: norm === 'linf' && options.eps > 0 ? options.eps : Math.max(options.eps, 1 / 255),
    });
    frames.push(...result.frames);
    returns.push(result.record.return);
  }
  return { frames, returns };
}
