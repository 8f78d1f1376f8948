/**
 * Kept for its importers (agents/bc, tests): each game's scripted player now lives on its
 * registration (envs/index.ts gameFacts(id).scriptedPlayer); this is that lookup by env id.
 */
export { scriptedAgentFor } from './index.ts';
export type { ScriptedAgent } from './game.ts';
