/** The dashboard's controls: a call of the callable `rolloutAction` (functions/src/triggers/rolloutAction.ts). */
import { httpsCallable, type Functions } from 'firebase/functions';
import type { DashboardAction } from '../../../functions/src/domain/permissions.js';

/** One press of a control. */
export interface ActionCall {
  readonly action: DashboardAction;
  readonly targetId: string;
  readonly rolloutId?: string;
  readonly reason?: string;
}

/** What came of it: the engine's message, or the refusal's. */
export type ActionResult =
  { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

/** Calls `rolloutAction`; never throws. */
export async function callAction(functions: Functions, call: ActionCall): Promise<ActionResult> {
  const callable = httpsCallable<ActionCall & { requestId: string }, { status: string; message: string }>(
    functions,
    'rolloutAction',
  );
  try {
    const { data } = await callable({ ...call, requestId: crypto.randomUUID() });
    return { ok: true, message: data.message };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message };
  }
}
