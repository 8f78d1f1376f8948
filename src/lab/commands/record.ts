/**
 * `advgym record`: a GIF of gameplay. With --agent random|scripted it shows the game itself; with
 * --model DIR [--attack ...] it shows, side by side, the game, the agent's clean view, the
 * perturbation and the attacked view (see src/core/plot/panels.ts); the attack flags are those of an
 * experiment config's condition (src/lab/commands/attackFlags.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { makeEnv, scriptedAgentFor } from '../../../envs/index.ts';
import type { RgbFrame } from '../../core/gym/env.ts';
import { UserError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { writeGif } from '../../core/plot/gif.ts';
import { writePng } from '../../core/plot/png.ts';
import { recordEpisodes } from '../record/recordEpisodes.ts';
import { recordAttackGif } from '../record/recordAttack.ts';
import { addAttackFlags, attackExperimentFromFlags, givenAttackFlags, type AttackFlags } from './attackFlags.ts';
import { BOUNDS, flagValue, initBackendFromFlag, integer, outputFileFlag, positiveInteger } from './checks.ts';

interface RecordArgs extends AttackFlags {
  env: string;
  agent?: string;
  model?: string;
  episodes: number;
  seed: number;
  out: string;
  png?: string;
  fps: number;
  scale: number;
  'max-frames': number;
  'points-to-win'?: number;
  backend?: string;
}

export const recordCommand: CommandModule<object, RecordArgs> = {
  command: 'record',
  describe: 'record a gameplay GIF (a random/scripted player, or a trained model under attack)',
  builder: (yargs: Argv) =>
    addAttackFlags(yargs)
      .option('env', { type: 'string', default: 'Pong-v0', describe: 'environment id (see `advgym list`)' })
      .option('agent', { type: 'string', choices: ['random', 'scripted'], describe: 'built-in player (instead of --model)' })
      .option('model', { type: 'string', describe: 'trained model folder (models/pong-dqn)' })
      .option('episodes', { type: 'number', default: 1 })
      .option('seed', { type: 'number', default: 0 })
      .option('out', { type: 'string', demandOption: true, describe: 'GIF path to write' })
      .option('png', { type: 'string', describe: 'also write the first frame as a PNG snapshot here' })
      .option('fps', { type: 'number', default: 20, describe: 'frames per second (Huang et al.: 20)' })
      .option('scale', { type: 'number', default: 2, describe: 'integer upscaling (Huang et al.: 4)' })
      .option('max-frames', { type: 'number', default: 600, describe: 'stop after this many frames' })
      .option('points-to-win', { type: 'number', describe: 'Pong-v0: shorter matches for short GIFs' })
      .option('backend', { type: 'string', describe: 'tensor backend: auto|node|wasm|cpu' }) as unknown as Argv<RecordArgs>,
  handler: async (args) => {
    if ((args.agent === undefined) === (args.model === undefined)) {
      throw new UserError('record: give exactly one of --agent random|scripted or --model DIR');
    }
    // Flags share the experiment config's bounds (record.fps, record.scale, record.maxFrames, episodes).
    flagValue('episodes', BOUNDS.episodes, args.episodes);
    flagValue('fps', BOUNDS.fps, args.fps);
    flagValue('scale', BOUNDS.scale, args.scale);
    flagValue('max-frames', BOUNDS.maxFrames, args['max-frames']);
    integer('seed', args.seed);
    outputFileFlag('out', args.out);
    if (args.png !== undefined) outputFileFlag('png', args.png);
    const game = args['points-to-win'] === undefined ? {} : { pointsToWin: positiveInteger('points-to-win', args['points-to-win']) };
    // Flags are checked before any model is loaded, so a typo fails at once.
    const experiment = args.model === undefined ? undefined : attackExperimentFromFlags(args, { victim: args.model, env: { id: args.env, options: { game } } });
    if (args.model === undefined) {
      const stray = args.attack === 'none' ? givenAttackFlags(args)[0] : '--attack';
      if (stray !== undefined) throw new UserError(`${stray}: needs --model DIR (a trained agent to attack), not --agent`);
    }
    const env = makeEnv(args.env, { game });
    const options = { episodes: args.episodes, seed: args.seed, maxFrames: args['max-frames'] };
    let recording: { frames: RgbFrame[]; returns: number[]; attackedFrames?: number };
    if (experiment !== undefined) {
      await initBackendFromFlag(args.backend);
      recording = await recordAttackGif(env, experiment, options);
    } else {
      const rng = Rng.fromSeed(args.seed);
      const scripted = args.agent === 'scripted' ? scriptedAgentFor(args.env, env.observationSpace.shape, { game }) : undefined;
      recording = recordEpisodes(env, ({ observation, info }) => ({ action: scripted ? scripted(observation, info) : env.actionSpace.sample(rng) }), options);
    }
    const { frames, returns } = recording;
    writeGif(args.out, frames, { fps: args.fps, scale: args.scale });
    if (args.png !== undefined && frames[0] !== undefined) writePng(args.png, frames[0], args.scale);
    const attacked = args.attack === 'none' ? '' : ` (${recording.attackedFrames} attacked)`;
    process.stdout.write(`wrote ${args.out}: ${frames.length} frames${attacked}; episode returns ${returns.join(', ')}\n`);
  },
};
