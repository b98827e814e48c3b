/** A phase or state as a badge: its colour and, always, its words. */
import type { ComponentChildren } from 'preact';
import type { Phase } from '../../../functions/src/domain/phase.js';
import { phaseLook, type Tone } from '../model/phase.js';

/** A badge: its tone and its words. */
export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge tone-${tone}`}>{children}</span>;
}

/** A phase's badge. */
export function PhaseBadge({ phase }: { phase: Phase }) {
  const look = phaseLook(phase);
  return <Badge tone={look.tone}>{look.label}</Badge>;
}
