/** How phases and outcomes look: a label and a tone (the badge's colour, always with its text). Pure. */
import type { Phase } from '../../../functions/src/domain/phase.js';
import { assertNever } from '../../../functions/src/domain/phase.js';

/** A badge's tone: never the only carrier of meaning, the label always says it. */
export type Tone = 'active' | 'waiting' | 'good' | 'bad' | 'neutral';

/** Label and tone of a phase. */
export function phaseLook(phase: Phase): { readonly label: string; readonly tone: Tone } {
  switch (phase) {
    case 'queued':
      return { label: 'queued', tone: 'neutral' };
    case 'deploying':
      return { label: 'deploying', tone: 'active' };
    case 'verifying':
      return { label: 'smoke checks', tone: 'active' };
    case 'awaiting_approval':
      return { label: 'awaiting approval', tone: 'waiting' };
    case 'progressing':
      return { label: 'progressing', tone: 'active' };
    case 'paused':
      return { label: 'paused', tone: 'waiting' };
    case 'promoted':
      return { label: 'promoted (guard window)', tone: 'good' };
    case 'rolling_back':
      return { label: 'rolling back', tone: 'bad' };
    case 'succeeded':
      return { label: 'succeeded', tone: 'good' };
    case 'rolled_back':
      return { label: 'rolled back', tone: 'bad' };
    case 'aborted':
      return { label: 'aborted', tone: 'bad' };
    case 'rejected':
      return { label: 'rejected', tone: 'bad' };
    case 'superseded':
      return { label: 'superseded', tone: 'neutral' };
    case 'failed':
      return { label: 'failed: needs a person', tone: 'bad' };
    default:
      return assertNever(phase, 'phase');
  }
}
