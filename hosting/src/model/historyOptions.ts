/** The choices of the history filters. */
import { ACTIVE_PHASES, TERMINAL_PHASES } from '../../../functions/src/domain/phase.js';
import type { StopTrigger } from '../../../functions/src/domain/rollout.js';

/** Every phase, finished ones first (what people filter by most). */
export const PHASES_FOR_FILTER = [...TERMINAL_PHASES, ...ACTIVE_PHASES];

/** Every stop trigger. */
export const TRIGGERS_FOR_FILTER: readonly StopTrigger[] = [
  'incident',
  'analysis',
  'smoke_check',
  'person',
  'timeout',
  'superseded',
  'failure',
];
