// Agreement of model folders with a victim on held-out states of the victim's own greedy play, the
// measure `advgym extract` reports (agents/extract/agreement.ts), for putting an extracted
// substitute beside separately trained agents:
//   node --import tsx scripts/extraction-agreement.ts models/pong-dqn DIR...   (episodes 900000, 900001)
import { agreement, victimPlayStates } from '../agents/extract/agreement.ts';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { makeEnv } from '../envs/index.ts';
import { initBackend } from '../src/core/tensor/backend.ts';

const [victimDir, ...others] = process.argv.slice(2);
if (victimDir === undefined) throw new Error('usage: extraction-agreement.ts VICTIM DIR...');
await initBackend('wasm');
const heldOut = victimPlayStates(await loadPolicy(victimDir), makeEnv('Pong-v0'), 2, 900_000);
const counts = [0, 0, 0];
for (let i = 0; i < heldOut.size; i++) counts[heldOut.labels[i] as number] = (counts[heldOut.labels[i] as number] ?? 0) + 1;
process.stdout.write(`${heldOut.size} held-out states of ${victimDir}; actions ${counts.join('/')}; the most common action alone agrees ${((Math.max(...counts) / heldOut.size) * 100).toFixed(1)}%\n`);
for (const dir of others) process.stdout.write(`${dir}: ${(agreement(await loadPolicy(dir), heldOut) * 100).toFixed(1)}%\n`);
