/** The Gymnasium-style API: env contract, spaces, wrappers and the conformance checker. */
export type { Env, Info, ResetOptions, ResetResult, RgbFrame, StepResult } from './env.ts';
export { Box, Discrete } from './spaces.ts';
export type { BoxArray, BoxDtype } from './spaces.ts';
export { checkEnv, hashObservation } from './checkEnv.ts';
export type { CheckEnvOptions } from './checkEnv.ts';
export { Wrapper } from './wrappers/wrapper.ts';
export { MaxAndSkip } from './wrappers/maxAndSkip.ts';
export { StickyActions } from './wrappers/stickyActions.ts';
export { FrameStack } from './wrappers/frameStack.ts';
export { ScaleObservation } from './wrappers/scaleObservation.ts';
export { TimeLimit } from './wrappers/timeLimit.ts';
export { EpisodeStatistics } from './wrappers/episodeStatistics.ts';
export type { EpisodeSummary } from './wrappers/episodeStatistics.ts';
