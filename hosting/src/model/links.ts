/** Links from a rollout to the Cloud console: its Cloud Run service and revision, its build, its metrics. Pure. */
import type { Rollout } from '../../../functions/src/domain/rollout.js';

/** One link. */
export interface ConsoleLink {
  readonly label: string;
  readonly href: string;
}

const CONSOLE = 'https://console.cloud.google.com';

/** The console links of a rollout. */
export function consoleLinks(r: Pick<Rollout, 'policy' | 'build' | 'candidate' | 'kind'>): ConsoleLink[] {
  const { project, region, service } = r.policy;
  const p = `?project=${encodeURIComponent(project)}`;
  const base = `${CONSOLE}/run/detail/${encodeURIComponent(region)}/${encodeURIComponent(service)}`;
  const links: ConsoleLink[] = [{ label: `Cloud Run: ${service} revisions`, href: `${base}/revisions${p}` }];
  if (r.kind === 'release') {
    const build =
      r.build.logUrl ??
      `${CONSOLE}/cloud-build/builds/${encodeURIComponent(r.build.buildId)}?project=${encodeURIComponent(r.build.projectId)}`;
    links.push({ label: `Cloud Build: build ${r.build.buildId.slice(0, 8)}`, href: build });
  }
  links.push({ label: `Cloud Monitoring: ${service} metrics`, href: `${base}/metrics${p}` });
  links.push({ label: 'Cloud Monitoring: incidents', href: `${CONSOLE}/monitoring/alerting/incidents${p}` });
  return links;
}
