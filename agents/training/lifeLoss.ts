/**
 * "Terminal on life loss" for learning targets: DeepMind's Atari DQN (Mnih et al. 2015) and A3C
 * (2016) training, and CleanRL/SB3 through EpisodicLifeEnv, stop the bootstrap when a life is
 * lost, so an agent learns that dying ends its future rewards even in games (Seaquest) where a
 * death costs no points. Only the learning target is cut: the episode, the frame stack and the
 * logged return go on, and evaluation always plays whole games.
 *
 * The tracker reads `info.lives` (a number) from reset and step infos; games without lives
 * (Pong-like) never report a loss, so the option is a no-op there.
 */
export class LifeLossTracker {
  private lives: number | undefined;

  constructor(private readonly enabled: boolean) {}

  /** Call with the info of every reset. */
  reset(info: Readonly<Record<string, unknown>>): void {
    this.lives = livesIn(info);
  }

  /** Call with the info of every step; true when the step lost a life (and the option is on). */
  lostLife(info: Readonly<Record<string, unknown>>): boolean {
    const lives = livesIn(info);
    const lost = lives !== undefined && this.lives !== undefined && lives < this.lives;
    this.lives = lives;
    return this.enabled && lost;
  }
}

function livesIn(info: Readonly<Record<string, unknown>>): number | undefined {
  const lives = info['lives'];
  return typeof lives === 'number' ? lives : undefined;
}
