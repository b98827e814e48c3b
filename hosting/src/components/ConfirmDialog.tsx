/**
 * The confirmation of an action: a modal `<dialog>` (the browser keeps focus inside it, Escape cancels, focus returns
 * to the button that opened it) asking for the reason the audit trail records, required for destructive actions.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionView } from '../model/actions.js';

export interface ConfirmDialogProps {
  readonly action: ActionView;
  /** What it acts on, e.g. `hello.local@b-123`. */
  readonly subject: string;
  readonly onConfirm: (reason: string) => void;
  readonly onCancel: () => void;
}

const WHAT: Readonly<Record<ActionView['action'], string>> = {
  approve: 'Traffic moves on to the candidate.',
  reject: 'The candidate is refused; any traffic on it returns to the stable revision.',
  pause: 'Traffic stays where it is until someone resumes.',
  resume: 'The current step is baked afresh, then judged.',
  promote: 'The remaining steps are skipped: all traffic goes to the candidate (an approval gate still applies).',
  rollback: 'All traffic returns to the stable revision now; the remaining steps are skipped.',
  abort: 'The rollout stops; the candidate never gets user traffic.',
  rollbackTarget: 'The release serving now is reverted to the previous good revision.',
  freeze: 'New rollouts queue, and none starts, until someone unfreezes it; a rollout in flight goes on.',
  unfreeze: 'Releases go on: the oldest queued rollout starts.',
};

/** The confirmation dialog of an action. */
export function ConfirmDialog({ action, subject, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    // The dialog is removed rather than closed when it is done: give the focus back to what opened it, as close() would.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = dialog.current;
    el?.showModal();
    return () => {
      el?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const missing = action.destructive && reason.trim() === '';
  const headingId = `confirm-${action.action}-heading`;
  const errorId = `confirm-${action.action}-error`;
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby={headingId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!missing) onConfirm(reason.trim());
        }}
      >
        <h2 id={headingId}>
          {action.label}: {subject}?
        </h2>
        <p>{WHAT[action.action]}</p>
        <label for={`confirm-${action.action}-reason`}>
          Reason {action.destructive ? '(required, goes into the audit log)' : '(optional)'}
        </label>
        <textarea
          id={`confirm-${action.action}-reason`}
          rows={3}
          maxLength={500}
          required={action.destructive}
          aria-invalid={tried && missing ? 'true' : undefined}
          aria-describedby={tried && missing ? errorId : undefined}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {tried && missing ? (
          <p id={errorId} class="error" role="alert">
            Say why: the reason is recorded with the action.
          </p>
        ) : null}
        <div class="dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class={action.destructive ? 'danger' : 'primary'}>
            {action.label}
          </button>
        </div>
      </form>
    </dialog>
  );
}
