/**
 * A Firestore listener as component state: subscribes when the inputs change, unsubscribes on unmount. The state says
 * whether the first snapshot has arrived, and carries the listener's error (a query the rules refuse, say).
 */
import { useEffect, useState } from 'preact/hooks';

/** What a listener has delivered so far. */
export type Subscribed<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'error'; readonly error: Error };

/** Starts a listener: calls `next` with each value, `fail` with an error; returns the unsubscribe function. */
export type Subscribe<T> = (next: (value: T) => void, fail: (error: Error) => void) => () => void;

/** Subscribes with `subscribe` (null: nothing to listen to) while `key` stays the same. */
export function useSubscription<T>(subscribe: Subscribe<T> | null, key: string): Subscribed<T> {
  const [state, setState] = useState<Subscribed<T>>({ status: 'loading' });
  useEffect(() => {
    setState({ status: 'loading' });
    if (subscribe === null) return undefined;
    return subscribe(
      (value) => setState({ status: 'ready', value }),
      (error) => setState({ status: 'error', error }),
    );
    // `key` names the subscription: `subscribe` is a new closure on every render.
  }, [key]);
  return state;
}
