/** A listener's state: loading, its error, or its value rendered. */
import type { ComponentChildren } from 'preact';
import type { Subscribed } from '../data/useSubscription.js';

/** A listener's state: loading, its error, or its value rendered by `children`. */
export function Loading<T>({
  state,
  what,
  children,
}: {
  state: Subscribed<T>;
  what: string;
  children: (value: T) => ComponentChildren;
}) {
  if (state.status === 'loading')
    return (
      <p class="muted" aria-busy="true">
        Loading {what}…
      </p>
    );
  if (state.status === 'error') {
    return (
      <p class="error" role="alert">
        Could not read {what}: {state.error.message}
      </p>
    );
  }
  return <>{children(state.value)}</>;
}
