/** Hash routes: `#/`, `#/targets/ID`, `#/rollouts/ID`, `#/dora?env=E&target=T&days=N`. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly name: 'overview' }
  | { readonly name: 'target'; readonly targetId: string }
  | { readonly name: 'rollout'; readonly rolloutId: string }
  | { readonly name: 'dora'; readonly params: URLSearchParams };

/** The route a hash names; unknown hashes show the overview. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'targets' && parts[1]) return { name: 'target', targetId: parts[1] };
  if (parts[0] === 'rollouts' && parts[1]) return { name: 'rollout', rolloutId: parts[1] };
  if (parts[0] === 'dora') return { name: 'dora', params: new URLSearchParams(search) };
  return { name: 'overview' };
}

/** The link to a route. */
export const href = {
  overview: () => '#/',
  target: (targetId: string) => `#/targets/${encodeURIComponent(targetId)}`,
  rollout: (rolloutId: string) => `#/rollouts/${encodeURIComponent(rolloutId)}`,
  dora: (params: Record<string, string> = {}) => {
    const search = new URLSearchParams(params).toString();
    return `#/dora${search ? `?${search}` : ''}`;
  },
};

/** The current route, following the location's hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
