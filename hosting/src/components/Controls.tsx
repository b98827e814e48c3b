/**
 * A row of controls for a rollout or a target. Each press calls `rolloutAction`; destructive ones (and promote) first
 * ask for confirmation and a reason. The outcome is announced in a live region; the change itself arrives through the
 * Firestore listeners like any other transition.
 */
import { useState } from 'preact/hooks';
import { useApp } from '../context.js';
import { callAction, type ActionResult } from '../data/callAction.js';
import type { ActionView } from '../model/actions.js';
import { ConfirmDialog } from './ConfirmDialog.js';

export interface ControlsProps {
  readonly actions: readonly ActionView[];
  readonly targetId: string;
  /** Set for a rollout's controls. */
  readonly rolloutId?: string;
  /** What they act on, for the dialog and the announcements. */
  readonly subject: string;
}

/** The controls of a rollout or a target. */
export function Controls({ actions, targetId, rolloutId, subject }: ControlsProps) {
  const { services } = useApp();
  const [confirming, setConfirming] = useState<ActionView | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  if (actions.length === 0) return null;

  const act = async (action: ActionView, reason: string) => {
    setConfirming(null);
    setBusy(true);
    setResult(null);
    const call = {
      action: action.action,
      targetId,
      ...(rolloutId ? { rolloutId } : {}),
      ...(reason ? { reason } : {}),
    };
    setResult(await callAction(services.functions, call));
    setBusy(false);
  };

  return (
    <div class="controls">
      <div class="buttons" role="group" aria-label={`Actions on ${subject}`}>
        {actions.map((a) => (
          <button
            key={a.action}
            type="button"
            class={a.destructive ? 'danger' : a.action === 'approve' ? 'primary' : ''}
            disabled={busy || !a.allowed}
            title={a.why ?? undefined}
            aria-describedby={a.why ? `why-${targetId}-${a.action}` : undefined}
            data-action={a.action}
            onClick={() => (a.confirm ? setConfirming(a) : void act(a, ''))}
          >
            {a.label}
          </button>
        ))}
      </div>
      {actions
        .filter((a) => a.why)
        .map((a) => (
          <p key={a.action} id={`why-${targetId}-${a.action}`} class="muted small">
            {`${a.label}: ${a.why}`}
          </p>
        ))}
      <p class={`action-result${result && !result.ok ? ' error' : ''}`} role="status" aria-live="polite">
        {busy ? 'Sending…' : result ? `${result.ok ? 'Done' : 'Refused'}: ${result.message}` : ''}
      </p>
      {confirming ? (
        <ConfirmDialog
          action={confirming}
          subject={subject}
          onCancel={() => setConfirming(null)}
          onConfirm={(reason) => void act(confirming, reason)}
        />
      ) : null}
    </div>
  );
}
