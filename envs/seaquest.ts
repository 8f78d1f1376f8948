/**
 * Seaquest-like: the rules.
 *
 * - A submarine in a 160 x 210 Atari-like sea: the water line is at y = 46, the sea floor at
 *   y = 170. The sub starts each life at the surface, in the middle, facing right.
 * - Actions: the 18 of ALE (NOOP, FIRE, 8 directions, 8 directions + FIRE). The sub moves
 *   `playerSpeed` pixels per frame in the chosen direction and faces the way it last moved
 *   horizontally. FIRE launches a torpedo horizontally the way the sub faces: one torpedo at a
 *   time, none from the surface.
 * - Four lanes of enemies cross the screen, each lane one way at a time: sharks and enemy subs.
 *   Enemy subs fire shots along their lane. Touching an enemy or a shot costs a life. A torpedo
 *   kills the first enemy it touches for `pointsPerKill` points, plus `pointsPerKillPerLevel` per
 *   difficulty level, capped at `maxPointsPerKill` (Atari: 20, rising by 10 to 90).
 * - Divers swim in the lanes too; the sub picks one up by touching it, carrying at most 6. Enemies
 *   and torpedoes ignore divers.
 * - Oxygen: `oxygenFrames` of air in a full tank; under water it drains by one per frame, at the
 *   surface it refills by `oxygenRefillPerFrame`. Running out costs a life.
 * - Surfacing (reaching the surface after a dive deeper than 16 pixels): with no diver it costs a life; with 1-5 divers
 *   one diver leaves and the tank refills; with 6 all leave, `fullCrewBonus` points are scored and
 *   the difficulty rises by one level. Lingering at the surface with a full tank for more than
 *   `maxSurfaceFrames` also costs a life (Atari sends a surface patrol; here the rule is direct).
 * - Difficulty also rises one level every `levelUpFrames` frames, up to `maxLevel`: enemies swim
 *   faster, spawn more often and in groups, and are worth more.
 * - Losing a life clears enemies, shots and divers carried, and puts the sub back at the surface
 *   with a full tank. The game (episode) ends when `lives` (3) are gone. Reward = score change.
 *
 * The observation is high-contrast on black water: the player's sub is white, enemy subs light
 * grey, sharks mid grey, divers dark grey, torpedoes and shots thin bright bars; a dim surface line
 * and sea floor; below the floor an oxygen bar and one block per diver carried.
 *
 * Two scripted players show competent play: `scriptedSeaquestAction` reads the true state (tests),
 * `seaquestObservationPlayer` reads the observation and info only (`advgym record --agent scripted`).
 */
import { UserError } from '../src/core/errors.ts';
import type { RgbFrame } from '../src/core/gym/env.ts';
import type { Rng } from '../src/core/rng.ts';
import { createRgbFrame, drawNumber, fillEllipseGray, fillEllipseRgb, fillRectGray, fillRectRgb, LOGICAL_HEIGHT, LOGICAL_WIDTH, numberWidth } from './draw.ts';
import type { Rgb } from './draw.ts';
import type { Game, GameStepResult } from './game.ts';

export interface SeaquestParams {
  /** Lives at the start; the game ends when they are gone. */
  readonly lives: number;
  /** Player sub speed, logical pixels per frame on each axis. */
  readonly playerSpeed: number;
  /** Torpedo speed, logical pixels per frame. */
  readonly torpedoSpeed: number;
  /** Frames of air in a full tank (kept short so that random play runs out of air, and of lives, soon). */
  readonly oxygenFrames: number;
  /** Oxygen units refilled per frame at the surface. */
  readonly oxygenRefillPerFrame: number;
  /** Frames the sub may idle at the surface with a full tank before it is lost (Atari's patrol sub). */
  readonly maxSurfaceFrames: number;
  /** Enemy speed at level 0, logical pixels per frame. */
  readonly enemySpeed: number;
  /** Added to the enemy speed per difficulty level. */
  readonly enemySpeedPerLevel: number;
  /** Cap on the enemy speed. */
  readonly maxEnemySpeed: number;
  /** Chance per frame that an empty lane (or one with room for a group member) spawns an enemy, at level 0. */
  readonly enemySpawnChance: number;
  /** Added to the spawn chance per difficulty level. */
  readonly enemySpawnChancePerLevel: number;
  /** Share of spawned enemies that are subs (the rest are sharks). */
  readonly enemySubShare: number;
  /** Chance per frame that an enemy sub whose gun is ready fires. */
  readonly enemyFireChance: number;
  /** Frames an enemy sub's gun needs to reload after a shot. */
  readonly enemyReloadFrames: number;
  /** Enemy shot speed, logical pixels per frame. */
  readonly enemyShotSpeed: number;
  /** Chance per frame that a lane without a diver spawns one. */
  readonly diverSpawnChance: number;
  /** Diver speed, logical pixels per frame. */
  readonly diverSpeed: number;
  /** Points per kill at level 0 (Atari: 20). */
  readonly pointsPerKill: number;
  /** Points per kill added per level (Atari: 10). */
  readonly pointsPerKillPerLevel: number;
  /** Cap on points per kill (Atari: 90). */
  readonly maxPointsPerKill: number;
  /** Points for surfacing with a full crew of 6 divers. */
  readonly fullCrewBonus: number;
  /** Frames between automatic difficulty rises. */
  readonly levelUpFrames: number;
  /** Highest difficulty level. */
  readonly maxLevel: number;
}

export const defaultSeaquestParams: SeaquestParams = {
  lives: 3,
  playerSpeed: 1.5,
  torpedoSpeed: 6,
  oxygenFrames: 1024,
  oxygenRefillPerFrame: 8,
  maxSurfaceFrames: 240,
  enemySpeed: 0.75,
  enemySpeedPerLevel: 0.25,
  maxEnemySpeed: 3,
  enemySpawnChance: 0.01,
  enemySpawnChancePerLevel: 0.005,
  enemySubShare: 0.4,
  enemyFireChance: 0.02,
  enemyReloadFrames: 60,
  enemyShotSpeed: 3,
  diverSpawnChance: 0.004,
  diverSpeed: 0.5,
  pointsPerKill: 20,
  pointsPerKillPerLevel: 10,
  maxPointsPerKill: 90,
  fullCrewBonus: 1000,
  levelUpFrames: 1800,
  maxLevel: 7,
};

export type EnemyKind = 'shark' | 'sub';

export interface Enemy {
  readonly kind: EnemyKind;
  readonly lane: number;
  /** Left edge, logical x. */
  readonly x: number;
  /** +1 swims right, -1 swims left. */
  readonly direction: 1 | -1;
  /** Frames until an enemy sub may fire again (0 = ready; sharks never fire). */
  readonly reload: number;
}

export interface Diver {
  readonly lane: number;
  readonly x: number;
  readonly direction: 1 | -1;
}

/** A torpedo or an enemy shot: a thin bar moving horizontally. */
export interface Shot {
  readonly x: number;
  readonly y: number;
  readonly direction: 1 | -1;
}

export interface SeaquestState {
  /** Emulator frames since the game started. */
  readonly frame: number;
  /** Top-left corner of the player's sub. */
  readonly playerX: number;
  readonly playerY: number;
  readonly facing: 1 | -1;
  /** The player's torpedo in flight, if any. */
  readonly torpedo: Shot | null;
  readonly enemies: readonly Enemy[];
  readonly enemyShots: readonly Shot[];
  readonly divers: readonly Diver[];
  /** Frames of air left. */
  readonly oxygen: number;
  /** Frames of air in a full tank (params.oxygenFrames, kept here so info can report a fraction). */
  readonly tankFrames: number;
  readonly diversCarried: number;
  readonly lives: number;
  readonly score: number;
  /** Difficulty level, 0..maxLevel. */
  readonly level: number;
  /** True once the sub has dived since its last surfacing (or since the life started). */
  readonly submerged: boolean;
  /** Frames spent at the surface with a full tank. */
  readonly surfaceFrames: number;
}

export const SEAQUEST_ACTIONS = [
  'NOOP', 'FIRE', 'UP', 'RIGHT', 'LEFT', 'DOWN', 'UPRIGHT', 'UPLEFT', 'DOWNRIGHT', 'DOWNLEFT',
  'UPFIRE', 'RIGHTFIRE', 'LEFTFIRE', 'DOWNFIRE', 'UPRIGHTFIRE', 'UPLEFTFIRE', 'DOWNRIGHTFIRE', 'DOWNLEFTFIRE',
] as const;

/** [dx, dy, fire] of each action, in the order of SEAQUEST_ACTIONS. */
const ACTION_EFFECTS: ReadonlyArray<readonly [number, number, boolean]> = SEAQUEST_ACTIONS.map((name) => [
  name.includes('RIGHT') ? 1 : name.includes('LEFT') ? -1 : 0,
  name.startsWith('UP') ? -1 : name.startsWith('DOWN') ? 1 : 0,
  name.includes('FIRE'),
]);

/** Action id by name, for scripted players and tests. */
export function seaquestAction(name: (typeof SEAQUEST_ACTIONS)[number]): number {
  return SEAQUEST_ACTIONS.indexOf(name);
}

// Geometry in logical pixels (Atari-like layout).
export const SURFACE_Y = 46;
export const SEA_FLOOR_Y = 170;
export const PLAYER_WIDTH = 16;
export const PLAYER_HEIGHT = 10;
/** The sub's top edge when it is at the surface (it sits half out of the water). */
export const PLAYER_SURFACE_Y = SURFACE_Y - PLAYER_HEIGHT / 2;
export const PLAYER_MAX_Y = SEA_FLOOR_Y - PLAYER_HEIGHT;
export const PLAYER_MIN_X = 8;
export const PLAYER_MAX_X = LOGICAL_WIDTH - 8 - PLAYER_WIDTH;
/** Below this depth the sub counts as having dived. */
const DIVE_DEPTH = 16;
/** Top edge of each lane; lanes are LANE_HEIGHT tall with gaps between them. */
export const LANE_TOPS: readonly number[] = [66, 90, 114, 138];
export const LANE_HEIGHT = 12;
export const ENEMY_WIDTH = 16;
export const ENEMY_HEIGHT = 10;
export const DIVER_WIDTH = 10;
export const DIVER_HEIGHT = 8;
export const SHOT_WIDTH = 8;
export const SHOT_HEIGHT = 2;
/** Most enemies in one lane at once (groups appear at higher levels). */
const MAX_GROUP = 3;
/** A new group member enters only when the previous one is this far in. */
const GROUP_SPACING = 32;
export const MAX_DIVERS = 6;
const START_X = LOGICAL_WIDTH / 2 - PLAYER_WIDTH / 2;

export function enemyY(lane: number): number {
  return (LANE_TOPS[lane] as number) + (LANE_HEIGHT - ENEMY_HEIGHT) / 2;
}

export function diverY(lane: number): number {
  return (LANE_TOPS[lane] as number) + (LANE_HEIGHT - DIVER_HEIGHT) / 2;
}

// Colours close to ALE's Seaquest, for the people-facing render.
const SKY: Rgb = [0, 0, 0];
const WATER: Rgb = [0, 28, 136];
const SURFACE_COLOR: Rgb = [84, 92, 214];
const FLOOR_COLOR: Rgb = [134, 134, 29];
const PLAYER_COLOR: Rgb = [187, 187, 53];
const SHARK_COLOR: Rgb = [92, 186, 92];
const ENEMY_SUB_COLOR: Rgb = [170, 170, 170];
const DIVER_COLOR: Rgb = [66, 72, 200];
const TORPEDO_COLOR: Rgb = [187, 187, 53];
const SHOT_COLOR: Rgb = [214, 92, 92];
const OXYGEN_COLOR: Rgb = [214, 214, 214];
const OXYGEN_EMPTY_COLOR: Rgb = [163, 57, 21];
const SCORE_COLOR: Rgb = [210, 164, 74];

// Grey levels of the observation: black water, distinct levels per kind of object.
const OBS_SURFACE = 60;
const OBS_FLOOR = 50;
const OBS_PLAYER = 255;
const OBS_TORPEDO = 255;
const OBS_ENEMY_SUB = 190;
const OBS_SHARK = 140;
const OBS_SHOT = 220;
const OBS_DIVER = 100;
const OBS_OXYGEN = 200;
const OBS_CREW = 100;

// The oxygen bar and the crew blocks, below the sea floor (observation and render alike).
const OXYGEN_BAR_X = 16;
const OXYGEN_BAR_Y = 178;
const OXYGEN_BAR_WIDTH = 128;
const OXYGEN_BAR_HEIGHT = 6;
const CREW_Y = 190;
const CREW_WIDTH = 10;
const CREW_HEIGHT = 8;
const CREW_GAP = 4;

/** A working copy of the state that the sub-steps of one `step` update in place. */
export type SeaquestDraft = { -readonly [K in keyof SeaquestState]: SeaquestState[K] };

function overlaps(ax: number, ay: number, aw: number, ah: number, bx: number, by: number, bw: number, bh: number): boolean {
  return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

export function atSurface(s: SeaquestState): boolean {
  return s.playerY <= PLAYER_SURFACE_Y;
}

/** The sub at the surface with a full tank, the field empty: the start of every life. */
function placePlayer(s: SeaquestDraft, params: SeaquestParams): void {
  s.playerX = START_X;
  s.playerY = PLAYER_SURFACE_Y;
  s.facing = 1;
  s.torpedo = null;
  s.enemies = [];
  s.enemyShots = [];
  s.divers = [];
  s.oxygen = params.oxygenFrames;
  s.diversCarried = 0;
  s.submerged = false;
  s.surfaceFrames = 0;
}

export function initialState(params: SeaquestParams, _rng: Rng): SeaquestState {
  const s: SeaquestDraft = {
    frame: 0,
    playerX: 0,
    playerY: 0,
    facing: 1,
    torpedo: null,
    enemies: [],
    enemyShots: [],
    divers: [],
    oxygen: 0,
    tankFrames: params.oxygenFrames,
    diversCarried: 0,
    lives: params.lives,
    score: 0,
    level: 0,
    submerged: false,
    surfaceFrames: 0,
  };
  placePlayer(s, params);
  return s;
}

export function moveSubmarine(s: SeaquestDraft, action: number, params: SeaquestParams): void {
  const [dx, dy] = ACTION_EFFECTS[action] ?? [0, 0, false];
  s.playerX = Math.min(PLAYER_MAX_X, Math.max(PLAYER_MIN_X, s.playerX + dx * params.playerSpeed));
  s.playerY = Math.min(PLAYER_MAX_Y, Math.max(PLAYER_SURFACE_Y, s.playerY + dy * params.playerSpeed));
  if (dx !== 0) s.facing = dx > 0 ? 1 : -1;
  if (s.playerY > PLAYER_SURFACE_Y + DIVE_DEPTH) s.submerged = true;
}

/** Launches a torpedo from the sub's nose (one in flight at a time; not from the surface), then moves it. */
export function fireTorpedo(s: SeaquestDraft, action: number, params: SeaquestParams): void {
  const fire = ACTION_EFFECTS[action]?.[2] ?? false;
  if (fire && s.torpedo === null && !atSurface(s)) {
    const x = s.facing > 0 ? s.playerX + PLAYER_WIDTH : s.playerX - SHOT_WIDTH;
    s.torpedo = { x, y: s.playerY + (PLAYER_HEIGHT - SHOT_HEIGHT) / 2, direction: s.facing };
  }
  if (s.torpedo === null) return;
  const x = s.torpedo.x + s.torpedo.direction * params.torpedoSpeed;
  s.torpedo = x < -SHOT_WIDTH || x > LOGICAL_WIDTH ? null : { ...s.torpedo, x };
}

export function enemySpeed(level: number, params: SeaquestParams): number {
  return Math.min(params.maxEnemySpeed, params.enemySpeed + level * params.enemySpeedPerLevel);
}

export function pointsPerKill(level: number, params: SeaquestParams): number {
  return Math.min(params.maxPointsPerKill, params.pointsPerKill + level * params.pointsPerKillPerLevel);
}

/** Lanes spawn enemies (groups of up to 1 + level/3, one direction per lane) and divers at the edges. */
export function spawnLanes(s: SeaquestDraft, params: SeaquestParams, rng: Rng): void {
  const spawnChance = params.enemySpawnChance + s.level * params.enemySpawnChancePerLevel;
  const groupSize = Math.min(MAX_GROUP, 1 + Math.floor(s.level / 3));
  for (let lane = 0; lane < LANE_TOPS.length; lane++) {
    const inLane = s.enemies.filter((e) => e.lane === lane);
    if (inLane.length < groupSize && rng.chance(spawnChance)) {
      const direction = inLane[0]?.direction ?? (rng.chance(0.5) ? 1 : -1);
      const x = direction > 0 ? -ENEMY_WIDTH : LOGICAL_WIDTH;
      const roomToEnter = inLane.every((e) => Math.abs(e.x - x) >= GROUP_SPACING);
      if (roomToEnter) {
        const kind: EnemyKind = rng.chance(params.enemySubShare) ? 'sub' : 'shark';
        s.enemies = [...s.enemies, { kind, lane, x, direction, reload: params.enemyReloadFrames / 2 }];
      }
    }
    if (!s.divers.some((d) => d.lane === lane) && rng.chance(params.diverSpawnChance)) {
      const direction = rng.chance(0.5) ? 1 : -1;
      s.divers = [...s.divers, { lane, x: direction > 0 ? -DIVER_WIDTH : LOGICAL_WIDTH, direction }];
    }
  }
}

function onScreen(x: number, width: number): boolean {
  return x > -width && x < LOGICAL_WIDTH;
}

/** Enemies, divers and enemy shots swim one frame; those that leave the screen are gone. */
export function moveEnemies(s: SeaquestDraft, params: SeaquestParams): void {
  const speed = enemySpeed(s.level, params);
  s.enemies = s.enemies
    .map((e) => ({ ...e, x: e.x + e.direction * speed, reload: Math.max(0, e.reload - 1) }))
    .filter((e) => onScreen(e.x, ENEMY_WIDTH) || (e.direction > 0 ? e.x < 0 : e.x > 0));
  s.divers = s.divers
    .map((d) => ({ ...d, x: d.x + d.direction * params.diverSpeed }))
    .filter((d) => onScreen(d.x, DIVER_WIDTH) || (d.direction > 0 ? d.x < 0 : d.x > 0));
  s.enemyShots = s.enemyShots
    .map((shot) => ({ ...shot, x: shot.x + shot.direction * params.enemyShotSpeed }))
    .filter((shot) => onScreen(shot.x, SHOT_WIDTH));
}

/** Enemy subs fully on screen with a loaded gun fire along their lane, now and then. */
export function enemyFire(s: SeaquestDraft, params: SeaquestParams, rng: Rng): void {
  let fired = false;
  const enemies = s.enemies.map((e) => {
    if (e.kind !== 'sub' || e.reload > 0 || e.x < 0 || e.x > LOGICAL_WIDTH - ENEMY_WIDTH) return e;
    if (!rng.chance(params.enemyFireChance)) return e;
    fired = true;
    const x = e.direction > 0 ? e.x + ENEMY_WIDTH : e.x - SHOT_WIDTH;
    s.enemyShots = [...s.enemyShots, { x, y: enemyY(e.lane) + (ENEMY_HEIGHT - SHOT_HEIGHT) / 2, direction: e.direction }];
    return { ...e, reload: params.enemyReloadFrames };
  });
  if (fired) s.enemies = enemies;
}

/** The torpedo kills the first enemy it touches; returns the points scored. */
export function shootEnemies(s: SeaquestDraft, params: SeaquestParams): number {
  const torpedo = s.torpedo;
  if (torpedo === null) return 0;
  const hit = s.enemies.findIndex((e) => overlaps(torpedo.x, torpedo.y, SHOT_WIDTH, SHOT_HEIGHT, e.x, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT));
  if (hit < 0) return 0;
  s.enemies = s.enemies.filter((_, i) => i !== hit);
  s.torpedo = null;
  const points = pointsPerKill(s.level, params);
  s.score += points;
  return points;
}

/** True when the sub touches an enemy or an enemy shot. */
export function collide(s: SeaquestDraft): boolean {
  const { playerX: x, playerY: y } = s;
  return (
    s.enemies.some((e) => overlaps(x, y, PLAYER_WIDTH, PLAYER_HEIGHT, e.x, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT)) ||
    s.enemyShots.some((shot) => overlaps(x, y, PLAYER_WIDTH, PLAYER_HEIGHT, shot.x, shot.y, SHOT_WIDTH, SHOT_HEIGHT))
  );
}

/** The sub picks up divers it touches, up to MAX_DIVERS; a diver it has no room for swims on. */
export function rescueDivers(s: SeaquestDraft): void {
  if (s.diversCarried >= MAX_DIVERS) return;
  const kept: Diver[] = [];
  for (const d of s.divers) {
    const touched = overlaps(s.playerX, s.playerY, PLAYER_WIDTH, PLAYER_HEIGHT, d.x, diverY(d.lane), DIVER_WIDTH, DIVER_HEIGHT);
    if (touched && s.diversCarried < MAX_DIVERS) s.diversCarried++;
    else kept.push(d);
  }
  if (kept.length !== s.divers.length) s.divers = kept;
}

/** Under water the tank drains, at the surface it refills; returns true when the air ran out. */
export function drainOxygen(s: SeaquestDraft, params: SeaquestParams): boolean {
  if (atSurface(s)) {
    s.oxygen = Math.min(params.oxygenFrames, s.oxygen + params.oxygenRefillPerFrame);
    return false;
  }
  s.oxygen = Math.max(0, s.oxygen - 1);
  return s.oxygen === 0;
}

/**
 * Reaching the surface after a dive: no diver costs a life; 1-5 divers, one leaves; 6 divers, all
 * leave for the bonus and a level. Idling at the surface with a full tank too long costs a life.
 */
export function surface(s: SeaquestDraft, params: SeaquestParams): { reward: number; died: boolean } {
  if (!atSurface(s)) {
    s.surfaceFrames = 0;
    return { reward: 0, died: false };
  }
  if (s.oxygen >= params.oxygenFrames) s.surfaceFrames++;
  if (s.surfaceFrames > params.maxSurfaceFrames) return { reward: 0, died: true };
  if (!s.submerged) return { reward: 0, died: false };
  s.submerged = false;
  s.torpedo = null;
  if (s.diversCarried === 0) return { reward: 0, died: true };
  if (s.diversCarried < MAX_DIVERS) {
    s.diversCarried--;
    return { reward: 0, died: false };
  }
  s.diversCarried = 0;
  s.score += params.fullCrewBonus;
  s.level = Math.min(params.maxLevel, s.level + 1);
  return { reward: params.fullCrewBonus, died: false };
}

export function loseLife(s: SeaquestDraft, params: SeaquestParams): void {
  s.lives = Math.max(0, s.lives - 1);
  placePlayer(s, params);
}

/** One level up every `levelUpFrames` frames, up to `maxLevel`. */
export function advanceDifficulty(s: SeaquestDraft, params: SeaquestParams): void {
  if (s.frame > 0 && s.frame % params.levelUpFrames === 0) s.level = Math.min(params.maxLevel, s.level + 1);
}

/** One frame. Copies the state once; the named sub-steps then update the copy, never the input. */
export function step(state: SeaquestState, action: number, params: SeaquestParams, rng: Rng): GameStepResult<SeaquestState> {
  const s: SeaquestDraft = { ...state };
  moveSubmarine(s, action, params);
  fireTorpedo(s, action, params);
  spawnLanes(s, params, rng);
  moveEnemies(s, params);
  enemyFire(s, params, rng);
  let reward = shootEnemies(s, params);
  let died = collide(s);
  if (!died) {
    rescueDivers(s);
    died = drainOxygen(s, params);
  }
  if (!died) {
    const surfaced = surface(s, params);
    reward += surfaced.reward;
    died = surfaced.died;
  }
  if (died) loseLife(s, params);
  s.frame++;
  advanceDifficulty(s, params);
  return { state: s, reward, terminated: s.lives <= 0 };
}

/**
 * A scripted player that sees the true state. It picks a goal (the surface when the air runs low
 * or the crew is full, else the nearest diver, else lining up with the nearest enemy from a
 * distance, else the gap between the first two lanes, where nothing swims) and takes the move
 * that brings it closest to the goal without swimming into where an enemy or a shot will be over
 * the next few frames; it fires whenever an enemy is ahead in its band.
 */
export function scriptedSeaquestAction(state: SeaquestState, params: SeaquestParams = defaultSeaquestParams): number {
  if (atSurface(state) && state.oxygen < params.oxygenFrames) return seaquestAction('NOOP');
  const speed = enemySpeed(state.level, params);
  const goingUp = state.oxygen < params.oxygenFrames * 0.3 || state.diversCarried >= MAX_DIVERS;
  let goalX = START_X;
  let goalY = (LANE_TOPS[0] as number) + LANE_HEIGHT + 1; // the gap below the first lane
  if (goingUp) {
    goalX = state.playerX;
    goalY = PLAYER_SURFACE_Y;
  } else {
    let best = Infinity;
    for (const d of state.divers) {
      const distance = Math.abs(diverY(d.lane) - state.playerY) + Math.abs(d.x - state.playerX);
      if (distance < best && d.x > 0 && d.x < LOGICAL_WIDTH - DIVER_WIDTH) {
        best = distance;
        goalX = d.x;
        goalY = diverY(d.lane) - 1;
      }
    }
    if (best === Infinity) {
      for (const e of state.enemies) {
        const distance = Math.abs(enemyY(e.lane) - state.playerY);
        if (distance < best && e.x > -ENEMY_WIDTH && e.x < LOGICAL_WIDTH) {
          best = distance;
          goalY = enemyY(e.lane);
          goalX = e.direction > 0 ? LOGICAL_WIDTH * 0.7 : LOGICAL_WIDTH * 0.3; // meet it from a distance
        }
      }
    }
  }
  const lookahead = 12;
  const danger = (x: number, y: number): boolean => {
    for (let k = 0; k <= lookahead; k += 2) {
      for (const e of state.enemies) {
        if (overlaps(x - 3, y - 2, PLAYER_WIDTH + 6, PLAYER_HEIGHT + 4, e.x + e.direction * speed * k, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT)) return true;
      }
      for (const shot of state.enemyShots) {
        if (overlaps(x - 3, y - 2, PLAYER_WIDTH + 6, PLAYER_HEIGHT + 4, shot.x + shot.direction * params.enemyShotSpeed * k, shot.y, SHOT_WIDTH, SHOT_HEIGHT)) return true;
      }
    }
    return false;
  };
  const inBandAhead = (facing: number, y: number, x: number): boolean =>
    state.enemies.some((e) => Math.abs(enemyY(e.lane) + ENEMY_HEIGHT / 2 - (y + PLAYER_HEIGHT / 2)) < ENEMY_HEIGHT / 2 && (e.x - x) * facing > 0 && e.x > -ENEMY_WIDTH / 2 && e.x < LOGICAL_WIDTH - ENEMY_WIDTH / 2);
  let bestAction = 0;
  let bestCost = Infinity;
  const horizon = 4 * params.playerSpeed;
  for (let action = 0; action < 10; action++) {
    const [dx, dy] = ACTION_EFFECTS[action] ?? [0, 0, false];
    const x = Math.min(PLAYER_MAX_X, Math.max(PLAYER_MIN_X, state.playerX + dx * horizon));
    const y = Math.min(PLAYER_MAX_Y, Math.max(PLAYER_SURFACE_Y, state.playerY + dy * horizon));
    let cost = Math.abs(goalY - y) * 2 + Math.abs(goalX - x) * 0.5;
    if (danger(x, y)) cost += 10_000;
    if (cost < bestCost) {
      bestCost = cost;
      bestAction = action;
    }
  }
  const [dx] = ACTION_EFFECTS[bestAction] ?? [0, 0, false];
  const facing = dx !== 0 ? Math.sign(dx) : state.facing;
  if (!inBandAhead(facing, state.playerY, state.playerX)) return bestAction;
  const name = SEAQUEST_ACTIONS[bestAction] ?? 'NOOP';
  return name === 'NOOP' ? seaquestAction('FIRE') : SEAQUEST_ACTIONS.indexOf(`${name}FIRE` as (typeof SEAQUEST_ACTIONS)[number]);
}

/** One blob of a single grey level in an observation frame, in logical coordinates. */
interface Blob {
  readonly level: number;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The blobs (4-connected, one grey level each) of a grayscale frame with levels 0..255. */
function findBlobs(gray: Uint8Array, width: number, height: number): Blob[] {
  const seen = new Uint8Array(width * height);
  const blobs: Blob[] = [];
  const stack: number[] = [];
  const sx = LOGICAL_WIDTH / width;
  const sy = LOGICAL_HEIGHT / height;
  for (let start = 0; start < gray.length; start++) {
    const level = gray[start] as number;
    if (level === 0 || seen[start] === 1) continue;
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width]) {
        if (q >= 0 && q < gray.length && seen[q] === 0 && gray[q] === level) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    blobs.push({ level, x0: x0 * sx, y0: y0 * sy, x1: (x1 + 1) * sx, y1: (y1 + 1) * sy });
  }
  return blobs;
}

function nearestLane(centreY: number): number {
  let best = 0;
  for (let lane = 1; lane < LANE_TOPS.length; lane++) {
    if (Math.abs(enemyY(lane) + ENEMY_HEIGHT / 2 - centreY) < Math.abs(enemyY(best) + ENEMY_HEIGHT / 2 - centreY)) best = lane;
  }
  return best;
}

/** Left edge of an object of logical width `w` seen as a blob that may be cut by the screen edge. */
function blobX(blob: Blob, w: number): number {
  return blob.x0 <= 0 && blob.x1 - blob.x0 < w - 1 ? blob.x1 - w : blob.x0;
}

/**
 * The same scripted player for agents that see only the observation and the step info, as
 * `advgym record --agent scripted` does: positions come from the newest frame of an [H, W, k]
 * observation in [0, 1] (directions from the frame before it, when k > 1), oxygen, divers and
 * level from the info. Directions it cannot see are assumed to point at the sub (the cautious
 * guess). Returns a stateful player: it remembers which way it last faced.
 */
export function seaquestObservationPlayer(
  shape: readonly number[],
  params: SeaquestParams = defaultSeaquestParams,
): (observation: Float32Array, info: Readonly<Record<string, unknown>>) => number {
  const height = shape[0] ?? 84;
  const width = shape[1] ?? height;
  const frames = shape[2] ?? 1;
  let facing: 1 | -1 = 1;
  const frameAt = (observation: Float32Array, k: number): Uint8Array => {
    const gray = new Uint8Array(width * height);
    for (let p = 0; p < gray.length; p++) gray[p] = Math.round((observation[p * frames + k] ?? 0) * 255);
    return gray;
  };
  return (observation, info) => {
    const blobs = findBlobs(frameAt(observation, frames - 1), width, height);
    const before = frames > 1 ? findBlobs(frameAt(observation, frames - 2), width, height) : [];
    const number = (key: string, fallback: number): number => (typeof info[key] === 'number' ? info[key] : fallback);
    const whites = blobs.filter((b) => b.level === OBS_PLAYER && b.y1 < SEA_FLOOR_Y);
    const player = whites.reduce<Blob | undefined>((best, b) => (best === undefined || b.y1 - b.y0 > best.y1 - best.y0 ? b : best), undefined);
    const playerX = player === undefined ? START_X : blobX(player, PLAYER_WIDTH);
    const playerY = player?.y0 ?? PLAYER_SURFACE_Y;
    /** Which way a blob moves, from the nearest same-level blob in the frame before; else toward the sub. */
    const direction = (blob: Blob): 1 | -1 => {
      const centreY = (blob.y0 + blob.y1) / 2;
      let match: Blob | undefined;
      for (const b of before) {
        if (b.level !== blob.level || Math.abs((b.y0 + b.y1) / 2 - centreY) > 4) continue;
        if (match === undefined || Math.abs(b.x0 - blob.x0) < Math.abs(match.x0 - blob.x0)) match = b;
      }
      const moved = match === undefined ? 0 : (blob.x0 + blob.x1 - match.x0 - match.x1) / 2;
      if (match !== undefined && Math.abs(moved) > 0.1 && Math.abs(moved) < 12) return moved > 0 ? 1 : -1;
      return blob.x0 < playerX ? 1 : -1;
    };
    const enemies: Enemy[] = blobs
      .filter((b) => (b.level === OBS_ENEMY_SUB || b.level === OBS_SHARK) && b.y0 > SURFACE_Y && b.y1 < SEA_FLOOR_Y)
      .map((b) => ({ kind: b.level === OBS_ENEMY_SUB ? 'sub' : 'shark', lane: nearestLane((b.y0 + b.y1) / 2), x: blobX(b, ENEMY_WIDTH), direction: direction(b), reload: 0 }));
    const enemyShots: Shot[] = blobs
      .filter((b) => b.level === OBS_SHOT)
      .map((b) => ({ x: blobX(b, SHOT_WIDTH), y: b.y0, direction: direction(b) }));
    const divers: Diver[] = blobs
      .filter((b) => b.level === OBS_DIVER && b.y1 < SEA_FLOOR_Y)
      .map((b) => ({ lane: nearestLane((b.y0 + b.y1) / 2), x: blobX(b, DIVER_WIDTH), direction: 1 }));
    const state: SeaquestState = {
      frame: 0,
      playerX,
      playerY,
      facing,
      torpedo: null,
      enemies,
      enemyShots,
      divers,
      oxygen: number('oxygen', params.oxygenFrames),
      tankFrames: params.oxygenFrames,
      diversCarried: number('divers', 0),
      lives: number('lives', params.lives),
      score: number('score', 0),
      level: number('level', 0),
      submerged: playerY > PLAYER_SURFACE_Y + DIVE_DEPTH,
      surfaceFrames: 0,
    };
    const action = scriptedSeaquestAction(state, params);
    const [dx] = ACTION_EFFECTS[action] ?? [0, 0, false];
    if (dx !== 0) facing = dx > 0 ? 1 : -1;
    return action;
  };
}

export function observe(state: SeaquestState, params: SeaquestParams, out: Uint8Array, width: number, height: number): void {
  out.fill(0);
  const canvas = { data: out, width, height };
  fillRectGray(canvas, 0, SURFACE_Y, LOGICAL_WIDTH, 2, OBS_SURFACE);
  fillRectGray(canvas, 0, SEA_FLOOR_Y, LOGICAL_WIDTH, 4, OBS_FLOOR);
  for (const d of state.divers) fillEllipseGray(canvas, d.x, diverY(d.lane), DIVER_WIDTH, DIVER_HEIGHT, OBS_DIVER);
  for (const e of state.enemies) {
    if (e.kind === 'sub') fillRectGray(canvas, e.x, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT, OBS_ENEMY_SUB);
    else fillEllipseGray(canvas, e.x, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT, OBS_SHARK);
  }
  for (const shot of state.enemyShots) fillRectGray(canvas, shot.x, shot.y, SHOT_WIDTH, SHOT_HEIGHT, OBS_SHOT);
  if (state.torpedo !== null) fillRectGray(canvas, state.torpedo.x, state.torpedo.y, SHOT_WIDTH, SHOT_HEIGHT, OBS_TORPEDO);
  fillRectGray(canvas, state.playerX, state.playerY, PLAYER_WIDTH, PLAYER_HEIGHT, OBS_PLAYER);
  const oxygenWidth = (OXYGEN_BAR_WIDTH * state.oxygen) / params.oxygenFrames;
  if (oxygenWidth > 0) fillRectGray(canvas, OXYGEN_BAR_X, OXYGEN_BAR_Y, oxygenWidth, OXYGEN_BAR_HEIGHT, OBS_OXYGEN);
  for (let i = 0; i < state.diversCarried; i++) {
    fillRectGray(canvas, crewX(i), CREW_Y, CREW_WIDTH, CREW_HEIGHT, OBS_CREW);
  }
}

function crewX(i: number): number {
  const total = MAX_DIVERS * CREW_WIDTH + (MAX_DIVERS - 1) * CREW_GAP;
  return LOGICAL_WIDTH / 2 - total / 2 + i * (CREW_WIDTH + CREW_GAP);
}

export function render(state: SeaquestState, params: SeaquestParams): RgbFrame {
  const frame = createRgbFrame(SKY);
  fillRectRgb(frame, 0, SURFACE_Y, LOGICAL_WIDTH, SEA_FLOOR_Y - SURFACE_Y, WATER);
  fillRectRgb(frame, 0, SURFACE_Y, LOGICAL_WIDTH, 3, SURFACE_COLOR);
  fillRectRgb(frame, 0, SEA_FLOOR_Y, LOGICAL_WIDTH, 6, FLOOR_COLOR);
  const digitScale = 3;
  const scoreText = String(state.score);
  drawNumber(frame, state.score, 80 - numberWidth(scoreText, digitScale) / 2, 4, digitScale, SCORE_COLOR);
  // Lives left in reserve: small yellow subs under the score, as in Atari.
  for (let i = 0; i < state.lives - 1; i++) fillRectRgb(frame, 58 + i * 16, 24, 12, 5, PLAYER_COLOR);
  for (const d of state.divers) fillEllipseRgb(frame, Math.round(d.x), diverY(d.lane), DIVER_WIDTH, DIVER_HEIGHT, DIVER_COLOR);
  for (const e of state.enemies) {
    const x = Math.round(e.x);
    if (e.kind === 'sub') {
      fillRectRgb(frame, x, enemyY(e.lane) + 2, ENEMY_WIDTH, ENEMY_HEIGHT - 2, ENEMY_SUB_COLOR);
      fillRectRgb(frame, x + ENEMY_WIDTH / 2 - 2, enemyY(e.lane), 4, 2, ENEMY_SUB_COLOR);
    } else {
      fillEllipseRgb(frame, x, enemyY(e.lane), ENEMY_WIDTH, ENEMY_HEIGHT, SHARK_COLOR);
    }
  }
  for (const shot of state.enemyShots) fillRectRgb(frame, Math.round(shot.x), Math.round(shot.y), SHOT_WIDTH, SHOT_HEIGHT, SHOT_COLOR);
  if (state.torpedo !== null) {
    fillRectRgb(frame, Math.round(state.torpedo.x), Math.round(state.torpedo.y), SHOT_WIDTH, SHOT_HEIGHT, TORPEDO_COLOR);
  }
  const px = Math.round(state.playerX);
  const py = Math.round(state.playerY);
  fillRectRgb(frame, px, py + 3, PLAYER_WIDTH, PLAYER_HEIGHT - 3, PLAYER_COLOR);
  fillRectRgb(frame, px + (state.facing > 0 ? 8 : 4), py, 4, 3, PLAYER_COLOR);
  fillRectRgb(frame, OXYGEN_BAR_X, OXYGEN_BAR_Y, OXYGEN_BAR_WIDTH, OXYGEN_BAR_HEIGHT, OXYGEN_EMPTY_COLOR);
  const oxygenWidth = Math.round((OXYGEN_BAR_WIDTH * state.oxygen) / params.oxygenFrames);
  if (oxygenWidth > 0) fillRectRgb(frame, OXYGEN_BAR_X, OXYGEN_BAR_Y, oxygenWidth, OXYGEN_BAR_HEIGHT, OXYGEN_COLOR);
  for (let i = 0; i < state.diversCarried; i++) fillRectRgb(frame, crewX(i), CREW_Y, CREW_WIDTH, CREW_HEIGHT, DIVER_COLOR);
  return frame;
}

function requirePositive(name: keyof SeaquestParams, value: number, integer = false): void {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UserError(`game.${name}: must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
}

function requireNonNegative(name: keyof SeaquestParams, value: number, integer = false): void {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UserError(`game.${name}: must be ${integer ? 'an integer' : 'a number'} >= 0, got ${value}`);
  }
}

function requireProbability(name: keyof SeaquestParams, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new UserError(`game.${name}: must be a probability in [0, 1], got ${value}`);
}

export function validateParams(params: SeaquestParams): void {
  requirePositive('lives', params.lives, true);
  requirePositive('playerSpeed', params.playerSpeed);
  requirePositive('torpedoSpeed', params.torpedoSpeed);
  requirePositive('oxygenFrames', params.oxygenFrames, true);
  requirePositive('oxygenRefillPerFrame', params.oxygenRefillPerFrame);
  requirePositive('maxSurfaceFrames', params.maxSurfaceFrames, true);
  requirePositive('enemySpeed', params.enemySpeed);
  requireNonNegative('enemySpeedPerLevel', params.enemySpeedPerLevel);
  requirePositive('maxEnemySpeed', params.maxEnemySpeed);
  if (params.maxEnemySpeed < params.enemySpeed) {
    throw new UserError(`game.maxEnemySpeed: must be at least enemySpeed ${params.enemySpeed}, got ${params.maxEnemySpeed}`);
  }
  requireProbability('enemySpawnChance', params.enemySpawnChance);
  requireNonNegative('enemySpawnChancePerLevel', params.enemySpawnChancePerLevel);
  requireProbability('enemySubShare', params.enemySubShare);
  requireProbability('enemyFireChance', params.enemyFireChance);
  requireNonNegative('enemyReloadFrames', params.enemyReloadFrames, true);
  requirePositive('enemyShotSpeed', params.enemyShotSpeed);
  requireProbability('diverSpawnChance', params.diverSpawnChance);
  requirePositive('diverSpeed', params.diverSpeed);
  requireNonNegative('pointsPerKill', params.pointsPerKill);
  requireNonNegative('pointsPerKillPerLevel', params.pointsPerKillPerLevel);
  requireNonNegative('maxPointsPerKill', params.maxPointsPerKill);
  requireNonNegative('fullCrewBonus', params.fullCrewBonus);
  requirePositive('levelUpFrames', params.levelUpFrames, true);
  requireNonNegative('maxLevel', params.maxLevel, true);
}

export const seaquest: Game<SeaquestState, SeaquestParams> = {
  id: 'Seaquest-v0',
  description: 'Seaquest-like: shoot sharks and subs, rescue divers, surface for air; 3 lives',
  actionNames: SEAQUEST_ACTIONS,
  defaultParams: defaultSeaquestParams,
  validateParams,
  initialState,
  step,
  observe,
  render,
  info: (state) => ({
    score: state.score,
    lives: state.lives,
    oxygen: state.oxygen,
    oxygenFraction: state.oxygen / state.tankFrames,
    divers: state.diversCarried,
    level: state.level,
  }),
  // Rewards are points for kills and rescued crews, never negative: 0 is the floor and there is no ceiling.
  worstReturn: () => 0,
  bestReturn: () => undefined,
  scriptedPlayer: (shape, params) => seaquestObservationPlayer(shape, params),
};
