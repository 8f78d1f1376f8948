/**
 * `advgym train <algorithm>` for any registry entry (agents/registry.ts): config file (optional) <
 * recorded config of the run to resume (without a file) < flags, validated by the entry's strict
 * schema; then the entry trains through the harness. Library FieldErrors come back under the
 * flags that set their fields (--out, --resume, --steps, the entry's own flags).
 */
import { parseStrict } from '../../core/validation.ts';
import { FieldError, FileError } from '../../core/errors.ts';
import { parseBackendChoice } from '../../core/tensor/backend.ts';
import type { Algorithm } from '../../../agents/training/algorithm.ts';
import { checkTrainingOut } from '../../../agents/training/harness.ts';
import { applyAlgorithmFlags, flagsOfAlgorithmFields } from './algorithmFlags.ts';
import { initBackendFromFlag, withFlagNames } from './checks.ts';
import { layeredTrainConfig, type TrainRunArgs } from './trainConfig.ts';
import { defenseOptionsFor } from '../defense/forConfig.ts';

export type TrainArgs = TrainRunArgs & Readonly<Record<string, unknown>>;

/** Field -> flag for every flag the command has (common ones and the entry's own). */
export function flagsOfFields(algorithm: Algorithm): Record<string, string> {
  const map: Record<string, string> = { out: '--out', resume: '--resume', force: '--force', totalSteps: '--steps', seed: '--seed', env: '--env', ...flagsOfAlgorithmFields(algorithm) };
  if (algorithm.backendField !== undefined) map[algorithm.backendField] = '--backend';
  return map;
}

export async function runTrain(algorithm: Algorithm, args: TrainArgs): Promise<void> {
  await withFlagNames(flagsOfFields(algorithm), async () => {
    if (args.resume && algorithm.recordedConfig === undefined) throw new FieldError('resume', `${algorithm.name} has no checkpoint to resume`);
    const recorded = (): Record<string, unknown> => {
      try {
        return (algorithm.recordedConfig as (dir: string) => Record<string, unknown>)(args.out);
      } catch (error) {
        // The user named the folder with --out and asked for --resume: say that, not which inner file was missing.
        if (error instanceof FileError) throw new FieldError('resume', `${args.out} holds no ${algorithm.name} run to resume (${error.message})`);
        throw error;
      }
    };
    const layered = layeredTrainConfig(args, recorded);
    applyAlgorithmFlags(algorithm, args, layered);
    if (algorithm.backendField !== undefined && args.backend !== undefined) layered[algorithm.backendField] = parseBackendChoice(args.backend, '--backend');
    const config = parseStrict(algorithm.schema, layered, args.config ?? `${algorithm.name} config`);
    // Every output path is checked before the backend starts or anything is created.
    checkTrainingOut(args.out, { resume: args.resume, force: args.force });
    if (algorithm.backendField === undefined) await initBackendFromFlag(args.backend);
    // The config's defense blocks (adversarialTraining, saRegularizer) become the learner's
    // observation hook here: agents/ holds the data, the lab's attacks do the perturbing.
    const result = await algorithm.train(config, args.out, { resume: args.resume, force: args.force, ...defenseOptionsFor(config) });
    if (result.stoppedBy === 'interrupted') {
      process.stdout.write(`${result.signal ?? 'stopped'} at step ${result.step}; checkpoint saved. Continue with: advgym train ${algorithm.name} --out ${args.out} --resume\n`);
      process.exitCode = result.signal === 'SIGTERM' ? 143 : 130;
    }
  });
}
