/** What every view needs: the Firebase services and the signed-in person. */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Services } from './firebase/app.js';
import type { Session } from './firebase/session.js';

export interface AppContextValue {
  readonly services: Services;
  readonly session: Session;
}

/** The services and the session, for the signed-in views. */
export const AppContext = createContext<AppContextValue | null>(null);

/** The app's context; only used below the signed-in shell. */
export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useApp outside the signed-in app');
  return value;
}

/** The time, updated every `everyMs` (for "3 min ago" and live durations). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
