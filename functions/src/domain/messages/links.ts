/** Where a person looks next: the Cloud Run revision, the build log, Cloud Monitoring and Runway's dashboard. Pure. */
import type { TargetPolicy } from '../config/policy.js';
import type { Rollout } from '../rollout.js';

export interface Link {
  readonly label: string;
  readonly url: string;
}

const CONSOLE = 'https://console.cloud.google.com';

/** The links for a rollout, in the order they are shown. `dashboardUrl`: runway.yaml's, or null. */
export function linksOf(r: Rollout, dashboardUrl: string | null): Link[] {
  const p = r.policy;
  const links: Link[] = [];
  const revision = r.candidate?.revision;
  links.push({
    label: revision ? `Cloud Run revision ${revision}` : `Cloud Run service ${p.service}`,
    url: revision ? revisionUrl(p, revision) : serviceUrl(p),
  });
  if (r.build.logUrl) links.push({ label: 'Cloud Build log', url: r.build.logUrl });
  links.push({ label: 'Cloud Monitoring', url: monitoringUrl(p) });
  if (dashboardUrl) links.push({ label: 'Runway dashboard', url: dashboardLink(dashboardUrl, r.id) });
  return links;
}

export function serviceUrl(p: TargetPolicy): string {
  return `${CONSOLE}/run/detail/${p.region}/${p.service}/revisions?project=${encodeURIComponent(p.project)}`;
}

export function revisionUrl(p: TargetPolicy, revision: string): string {
  return `${CONSOLE}/run/detail/${p.region}/${p.service}/revisions?project=${encodeURIComponent(p.project)}&revision=${encodeURIComponent(revision)}`;
}

/** The service's request metrics, which the analysis reads. */
export function monitoringUrl(p: TargetPolicy): string {
  return `${CONSOLE}/run/detail/${p.region}/${p.service}/metrics?project=${encodeURIComponent(p.project)}`;
}

export function dashboardLink(dashboardUrl: string, rolloutId: string): string {
  return `${dashboardUrl}/rollouts/${encodeURIComponent(rolloutId)}`;
}
