/**
 * `npm run bench`: every benchmark section in turn (never part of `npm test`). Each section lives
 * in its own file and exports one run function; add a section with one import and one call.
 */
import { runA3cBench } from './a3c.ts';
import { runAuditBench } from './audit.ts';
import { runAdversaryBench } from './adversary.ts';
import { runBackendBench } from './backend.ts';
import { runDefenseBench } from './defense.ts';
import { runDqnBench } from './dqn.ts';
import { runEnvBench } from './envs.ts';
import { runExperimentBench } from './experiment.ts';
import { runOnPolicyBench } from './onpolicy.ts';
import { runViewerBench } from './viewer.ts';
import { runSweepBench } from './sweep.ts';

await runBackendBench();
runEnvBench();
await runExperimentBench();
await runSweepBench();
await runAdversaryBench();
await runAuditBench();
await runA3cBench();
await runDqnBench();
await runDefenseBench();
await runOnPolicyBench();
await runViewerBench();
