import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findGame, makeEnv } from '../../envs/index.ts';
import {
  defaultSeaquestParams,
  diverY,
  drainOxygen,
  ENEMY_WIDTH,
  enemyY,
  initialState,
  LANE_TOPS,
  MAX_DIVERS,
  moveSubmarine,
  PLAYER_HEIGHT,
  PLAYER_MAX_Y,
  PLAYER_SURFACE_Y,
  PLAYER_WIDTH,
  pointsPerKill,
  enemySpeed,
  rescueDivers,
  scriptedSeaquestAction,
  seaquestObservationPlayer,
  seaquest,
  seaquestAction,
  SEAQUEST_ACTIONS,
  step,
  surface,
} from '../../envs/seaquest.ts';
import type { Enemy, SeaquestDraft, SeaquestParams, SeaquestState } from '../../envs/seaquest.ts';
import { checkEnv, hashObservation } from '../../src/core/gym/checkEnv.ts';
import type { Env } from '../../src/core/gym/env.ts';
import { Rng } from '../../src/core/rng.ts';
import { trajectory as playTrajectory } from '../helpers/trajectory.ts';

const params = defaultSeaquestParams;
/** Nothing spawns and enemy subs never fire: the field holds only what a test puts there. */
const quiet: SeaquestParams = { ...params, enemySpawnChance: 0, enemySpawnChancePerLevel: 0, diverSpawnChance: 0, enemyFireChance: 0 };

/** A hand-built state: a fresh game with the given fields replaced. */
function draft(overrides: Partial<SeaquestDraft>): SeaquestDraft {
  return { ...initialState(params, Rng.fromSeed(0)), ...overrides };
}

/** The sub under water in the middle of lane 1, having dived. */
const DIVING_Y = enemyY(1);
function diving(overrides: Partial<SeaquestDraft> = {}): SeaquestDraft {
  return draft({ playerX: 72, playerY: DIVING_Y, submerged: true, ...overrides });
}

function stepOnce(state: SeaquestState, action: string, p: SeaquestParams = quiet): ReturnType<typeof step> {
  return step(state, seaquestAction(action as (typeof SEAQUEST_ACTIONS)[number]), p, Rng.fromSeed(0));
}

/** A seeded episode through makeEnv with seeded random actions, fingerprinted. */
function trajectory(env: Env<Float32Array>, seed: number, maxSteps: number): ReturnType<typeof playTrajectory> {
  return playTrajectory(env, seed, maxSteps, (_, rng) => rng.int(0, 17));
}

test('Seaquest-v0 passes checkEnv through makeEnv and as the bare game env', () => {
  checkEnv(makeEnv('Seaquest-v0'), { seed: 3 });
  checkEnv(findGame('Seaquest-v0').makeGameEnv(84, { lives: 1 }), { seed: 4, steps: 400 });
});

test('bad game params are one-line errors naming the field', () => {
  assert.throws(() => makeEnv('Seaquest-v0', { game: { oxygenFrames: 0 } }), /game\.oxygenFrames: must be a positive integer/);
  assert.throws(() => makeEnv('Seaquest-v0', { game: { enemySubShare: 2 } }), /game\.enemySubShare: must be a probability/);
  assert.throws(() => makeEnv('Seaquest-v0', { game: { maxEnemySpeed: 0.5 } }), /game\.maxEnemySpeed: must be at least enemySpeed/);
  assert.doesNotThrow(() => makeEnv('Seaquest-v0', { game: { lives: 1, oxygenFrames: 300 } }));
});

test('18 ALE actions in ALE order', () => {
  assert.equal(SEAQUEST_ACTIONS.length, 18);
  assert.deepEqual(SEAQUEST_ACTIONS.slice(0, 6), ['NOOP', 'FIRE', 'UP', 'RIGHT', 'LEFT', 'DOWN']);
  assert.equal(SEAQUEST_ACTIONS[17], 'DOWNLEFTFIRE');
  assert.equal(makeEnv('Seaquest-v0').actionSpace.n, 18);
});

test('same seed and actions give the same trajectory; another seed another one', () => {
  const env = makeEnv('Seaquest-v0');
  const a = trajectory(env, 5, 3000);
  assert.deepEqual(trajectory(env, 5, 3000), a);
  assert.notEqual(trajectory(env, 6, 3000).hash, a.hash);
});

/** Seaquest-v0 defaults, seed 12345, seeded random actions: one kill (20 points), game over in 114 steps. */
const GOLDEN = { outcome: { steps: 114, totalReward: 20, score: 20 }, hash: '3dfc4ac7' };

test('golden trajectory: fixed seed and actions give the recorded score and observations', () => {
  // Recorded from the rules as committed. If this fails after an intended rule or drawing change,
  // re-record the values and say so in the commit; otherwise a rule changed by accident.
  const result = trajectory(makeEnv('Seaquest-v0'), 12345, 5000);
  assert.deepEqual({ steps: result.steps, totalReward: result.totalReward, score: result.info['score'] }, GOLDEN.outcome);
  assert.equal(result.hash, GOLDEN.hash);
});

test('the sub moves in 8 directions, faces the way it moved, and stays between surface and floor', () => {
  const s = diving({ playerX: 50, playerY: 100 });
  moveSubmarine(s, seaquestAction('DOWNLEFT'), params);
  assert.deepEqual([s.playerX, s.playerY, s.facing], [50 - params.playerSpeed, 100 + params.playerSpeed, -1]);
  moveSubmarine(s, seaquestAction('UPRIGHTFIRE'), params);
  assert.deepEqual([s.playerX, s.playerY, s.facing], [50, 100, 1]);
  const top = diving({ playerY: PLAYER_SURFACE_Y + 0.5 });
  moveSubmarine(top, seaquestAction('UP'), params);
  assert.equal(top.playerY, PLAYER_SURFACE_Y);
  const bottom = diving({ playerY: PLAYER_MAX_Y - 0.5 });
  moveSubmarine(bottom, seaquestAction('DOWN'), params);
  assert.equal(bottom.playerY, PLAYER_MAX_Y);
});

test('oxygen drains by one per frame under water and refills at the surface', () => {
  const under = diving({ oxygen: 500 });
  assert.equal(drainOxygen(under, params), false);
  assert.equal(under.oxygen, 499);
  const top = draft({ oxygen: 500 });
  drainOxygen(top, params);
  assert.equal(top.oxygen, 500 + params.oxygenRefillPerFrame);
  const almostFull = draft({ oxygen: params.oxygenFrames - 1 });
  drainOxygen(almostFull, params);
  assert.equal(almostFull.oxygen, params.oxygenFrames, 'never above a full tank');
  const after = stepOnce(diving({ oxygen: 300 }), 'NOOP').state;
  assert.equal(after.oxygen, 299);
});

test('running out of oxygen costs a life and restarts at the surface with a full tank', () => {
  const result = stepOnce(diving({ oxygen: 1, diversCarried: 3 }), 'NOOP');
  assert.equal(result.state.lives, params.lives - 1);
  assert.equal(result.state.playerY, PLAYER_SURFACE_Y);
  assert.equal(result.state.oxygen, params.oxygenFrames);
  assert.equal(result.state.diversCarried, 0);
  assert.equal(result.terminated, false);
});

test('divers are picked up by touch, at most 6; a diver with no room swims on', () => {
  const s = diving({ playerX: 60, playerY: diverY(1) - 1, divers: [{ lane: 1, x: 62, direction: 1 }, { lane: 3, x: 62, direction: 1 }] });
  rescueDivers(s);
  assert.equal(s.diversCarried, 1);
  assert.deepEqual(s.divers.map((d) => d.lane), [3], 'only the touched diver is taken');
  const full = diving({ playerX: 60, playerY: diverY(1) - 1, diversCarried: MAX_DIVERS, divers: [{ lane: 1, x: 62, direction: 1 }] });
  rescueDivers(full);
  assert.equal(full.diversCarried, MAX_DIVERS);
  assert.equal(full.divers.length, 1);
  const viaStep = stepOnce(diving({ playerX: 60, playerY: diverY(2) - 1, diversCarried: 5, divers: [{ lane: 2, x: 64, direction: -1 }] }), 'NOOP');
  assert.equal(viaStep.state.diversCarried, 6);
});

test('surfacing: no diver costs a life, except at the start of a life', () => {
  const result = stepOnce(diving({ playerY: PLAYER_SURFACE_Y + 1, diversCarried: 0 }), 'UP');
  assert.equal(result.state.lives, params.lives - 1);
  assert.equal(result.reward, 0);
  const fresh = initialState(params, Rng.fromSeed(0));
  let s: SeaquestState = fresh;
  for (let i = 0; i < 10; i++) s = stepOnce(s, i % 2 === 0 ? 'UP' : 'NOOP').state;
  assert.equal(s.lives, params.lives, 'sitting at the surface at the start of a life is safe');
});

test('surfacing with 1-5 divers loses one diver and refills the tank', () => {
  let s: SeaquestState = diving({ playerY: PLAYER_SURFACE_Y + 1, diversCarried: 3, oxygen: 100 });
  const result = stepOnce(s, 'UP');
  assert.deepEqual([result.state.lives, result.state.diversCarried, result.reward], [params.lives, 2, 0]);
  s = result.state;
  for (let i = 0; i < 200; i++) s = stepOnce(s, 'NOOP').state;
  assert.equal(s.oxygen, params.oxygenFrames);
  assert.equal(s.diversCarried, 2, 'waiting at the surface loses no more divers');
});

test('surfacing with 6 divers scores the bonus, clears them and raises the level', () => {
  const s = diving({ playerY: PLAYER_SURFACE_Y, diversCarried: MAX_DIVERS, score: 40 });
  const surfaced = surface(s, params);
  assert.deepEqual(surfaced, { reward: params.fullCrewBonus, died: false });
  assert.deepEqual([s.diversCarried, s.score, s.level, s.submerged], [0, 40 + params.fullCrewBonus, 1, false]);
  const viaStep = stepOnce(diving({ playerY: PLAYER_SURFACE_Y + 1, diversCarried: MAX_DIVERS }), 'UP');
  assert.equal(viaStep.reward, params.fullCrewBonus);
});

test('lingering at the surface with a full tank too long costs a life', () => {
  let s: SeaquestState = initialState(quiet, Rng.fromSeed(0));
  for (let i = 0; i <= quiet.maxSurfaceFrames; i++) s = stepOnce(s, 'NOOP').state;
  assert.equal(s.lives, quiet.lives - 1);
});

const shark = (lane: number, x: number, direction: 1 | -1 = -1): Enemy => ({ kind: 'shark', lane, x, direction, reload: 0 });

test('a torpedo fired the way the sub faces kills an enemy and scores its points', () => {
  let s: SeaquestState = diving({ playerX: 40, facing: 1, enemies: [shark(1, 100)] });
  let reward = 0;
  let fired = false;
  for (let i = 0; i < 20 && reward === 0; i++) {
    const result = stepOnce(s, fired ? 'NOOP' : 'FIRE');
    fired = true;
    reward += result.reward;
    s = result.state;
  }
  assert.equal(reward, params.pointsPerKill);
  assert.equal(s.enemies.length, 0);
  assert.equal(s.score, params.pointsPerKill);
  assert.equal(s.torpedo, null);
  const behind = stepOnce(diving({ playerX: 40, facing: -1, enemies: [shark(1, 100)] }), 'FIRE').state;
  assert.ok(behind.torpedo !== null && behind.torpedo.x < 40, 'fires left when facing left');
});

test('an enemy touch or an enemy shot costs a life', () => {
  const touched = stepOnce(diving({ playerX: 60, enemies: [shark(1, 60 + PLAYER_WIDTH - 0.5)] }), 'NOOP');
  assert.equal(touched.state.lives, params.lives - 1);
  const shotY = DIVING_Y + PLAYER_HEIGHT / 2;
  const shot = stepOnce(diving({ playerX: 60, enemyShots: [{ x: 60 + PLAYER_WIDTH + 1, y: shotY, direction: -1 }] }), 'NOOP');
  assert.equal(shot.state.lives, params.lives - 1);
  assert.equal(shot.state.enemyShots.length, 0, 'the field is cleared');
  const missed = stepOnce(diving({ playerX: 60, enemyShots: [{ x: 60 + PLAYER_WIDTH + 1, y: enemyY(3), direction: -1 }] }), 'NOOP');
  assert.equal(missed.state.lives, params.lives);
});

test('enemy subs fire along their lane', () => {
  const sub: Enemy = { kind: 'sub', lane: 2, x: 100, direction: -1, reload: 0 };
  const result = step(diving({ enemies: [sub] }), 0, { ...quiet, enemyFireChance: 1 }, Rng.fromSeed(0));
  assert.equal(result.state.enemyShots.length, 1);
  const shot = result.state.enemyShots[0];
  assert.ok(shot !== undefined && shot.direction === -1 && shot.y > enemyY(2) && shot.y < enemyY(2) + 10);
  assert.equal(result.state.enemies[0]?.reload, quiet.enemyReloadFrames);
});

test('the last life lost ends the game', () => {
  const result = stepOnce(diving({ lives: 1, oxygen: 1 }), 'NOOP');
  assert.deepEqual([result.state.lives, result.terminated], [0, true]);
  assert.equal(stepOnce(diving({ lives: 2, oxygen: 1 }), 'NOOP').terminated, false);
});

test('difficulty: levels rise over time, making enemies faster, more frequent and worth more', () => {
  assert.equal(pointsPerKill(0, params), 20);
  assert.equal(pointsPerKill(3, params), 50);
  assert.equal(pointsPerKill(20, params), params.maxPointsPerKill);
  assert.ok(enemySpeed(3, params) > enemySpeed(0, params));
  const s = diving({ frame: params.levelUpFrames - 1 });
  assert.equal(stepOnce(s, 'NOOP').state.level, 1);
  const count = (level: number): number => {
    const rng = Rng.fromSeed(9);
    let state: SeaquestState = diving({ level, oxygen: 5000, playerY: PLAYER_MAX_Y, playerX: 8 });
    let spawned = 0;
    for (let i = 0; i < 600; i++) {
      const before = state.enemies.length;
      state = { ...step(state, 0, params, rng).state, playerY: PLAYER_MAX_Y, enemyShots: [] };
      spawned += Math.max(0, state.enemies.length - before);
    }
    return spawned;
  };
  assert.ok(count(6) > count(0), `spawns at level 6 ${count(6)} vs level 0 ${count(0)}`);
});

test('step never mutates the state it is given', () => {
  const state = diving({ enemies: [shark(1, 90)], divers: [{ lane: 0, x: 30, direction: 1 }] });
  const copy = structuredClone(state);
  step(state, seaquestAction('DOWNRIGHTFIRE'), params, Rng.fromSeed(0));
  assert.deepEqual(state, copy);
});

test('observation at 84x84: player, enemies, divers, shots, oxygen bar and crew are distinct grey levels', () => {
  const s = diving({
    playerX: 40,
    enemies: [shark(0, 100), { kind: 'sub', lane: 2, x: 30, direction: 1, reload: 9 }],
    divers: [{ lane: 3, x: 80, direction: 1 }],
    torpedo: { x: 70, y: DIVING_Y + 4, direction: 1 },
    enemyShots: [{ x: 60, y: enemyY(2) + 4, direction: 1 }],
    diversCarried: 4,
    oxygen: params.oxygenFrames / 2,
  });
  const out = new Uint8Array(84 * 84);
  seaquest.observe(s, params, out, 84, 84);
  const pixels = (value: number): number => out.filter((v) => v === value).length;
  const levels = new Set(out);
  for (const level of [255, 190, 140, 220, 100, 200]) assert.ok(levels.has(level), `grey ${level} drawn`);
  assert.ok(pixels(255) >= 8 * 4, 'player sub at least 8x4 px');
  const full = new Uint8Array(84 * 84);
  seaquest.observe({ ...s, oxygen: params.oxygenFrames, diversCarried: 6 }, params, full, 84, 84);
  assert.ok(full.filter((v) => v === 200).length > pixels(200), 'the oxygen bar grows with the tank');
  assert.ok(full.filter((v) => v === 100).length > pixels(100), 'one block per diver carried');
  assert.equal(out[0], 0, 'black background');
});

test('render: 160x210 with blue water, yellow sub, score and lives', () => {
  const frame = seaquest.render(diving({ score: 120 }), params);
  assert.deepEqual([frame.width, frame.height, frame.data.length], [160, 210, 160 * 210 * 3]);
  const colours = new Set<string>();
  for (let i = 0; i < frame.data.length; i += 3) colours.add(`${frame.data[i]},${frame.data[i + 1]},${frame.data[i + 2]}`);
  for (const colour of ['0,28,136', '187,187,53']) assert.ok(colours.has(colour), colour);
  const top = (state: SeaquestState): Uint8Array => seaquest.render(state, params).data.subarray(0, 160 * 32 * 3);
  assert.notDeepEqual(top(diving({ score: 120 })), top(diving({ score: 3450 })), 'the score is drawn');
  assert.notDeepEqual(top(diving({ lives: 3 })), top(diving({ lives: 2 })), 'the lives are drawn');
});

test('info reports score, lives, oxygen and divers', () => {
  const info = seaquest.info(diving({ score: 60, lives: 2, oxygen: 512, diversCarried: 4 }));
  assert.deepEqual(
    { score: info['score'], lives: info['lives'], oxygen: info['oxygen'], oxygenFraction: info['oxygenFraction'], divers: info['divers'] },
    { score: 60, lives: 2, oxygen: 512, oxygenFraction: 512 / params.oxygenFrames, divers: 4 },
  );
});

/** Mean episode length (emulator frames) and score over seeded games, one decision per 4 frames. */
function playGames(choose: (state: SeaquestState, rng: Rng) => number, games: number): { frames: number; score: number } {
  let frames = 0;
  let score = 0;
  for (let seed = 0; seed < games; seed++) {
    const rng = Rng.fromSeed(seed);
    const actions = Rng.fromSeed(100 + seed);
    let state = initialState(params, rng);
    let action = 0;
    for (let frame = 0; frame < 50_000; frame++) {
      if (frame % 4 === 0) action = choose(state, actions);
      const result = step(state, action, params, rng);
      state = result.state;
      if (result.terminated) {
        frames += frame + 1;
        break;
      }
    }
    score += state.score;
  }
  return { frames: frames / games, score: score / games };
}

test('learnable: the scripted player outlives and outscores random play; random play dies quickly', () => {
  const scripted = playGames((state) => scriptedSeaquestAction(state), 6);
  const random = playGames((_, rng) => rng.int(0, 17), 6);
  assert.ok(random.frames < 3000, `random play lasts ${random.frames} frames`);
  assert.ok(scripted.frames > 1.5 * random.frames, `scripted ${JSON.stringify(scripted)} vs random ${JSON.stringify(random)}`);
  assert.ok(scripted.score > 5 * Math.max(random.score, 20), `scripted ${JSON.stringify(scripted)} vs random ${JSON.stringify(random)}`);
});

test('the observation-only scripted player (for record --agent scripted) beats random play through makeEnv', () => {
  const play = (seed: number, scripted: boolean): { steps: number; score: number } => {
    const env = makeEnv('Seaquest-v0');
    const player = seaquestObservationPlayer(env.observationSpace.shape);
    const rng = Rng.fromSeed(seed);
    let { observation, info } = env.reset({ seed });
    for (let steps = 1; steps < 20_000; steps++) {
      const result = env.step(scripted ? player(observation, info) : rng.int(0, 17));
      ({ observation, info } = result);
      if (result.terminated) return { steps, score: info['score'] as number };
    }
    return { steps: 20_000, score: info['score'] as number };
  };
  const scripted = [0, 1, 2].map((seed) => play(seed, true));
  const random = [0, 1, 2].map((seed) => play(seed, false));
  const mean = (xs: Array<{ steps: number; score: number }>, key: 'steps' | 'score'): number => xs.reduce((sum, x) => sum + x[key], 0) / xs.length;
  const summary = JSON.stringify({ scripted, random });
  assert.ok(mean(scripted, 'steps') > 2 * mean(random, 'steps'), summary);
  assert.ok(mean(scripted, 'score') > 5 * Math.max(20, mean(random, 'score')), summary);
});

test('lanes are where the enemies swim', () => {
  assert.equal(LANE_TOPS.length, 4);
  assert.ok(enemyY(0) > PLAYER_SURFACE_Y + PLAYER_HEIGHT, 'the first lane is below a surfaced sub');
  assert.ok(ENEMY_WIDTH > 0);
});
