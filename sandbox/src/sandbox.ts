/**
 * The whole sandbox in one process: the Cloud Run Admin API v2 stand-in, real revision processes behind the weighted
 * router, the Cloud Monitoring v3 stand-in fed from the router's request log, and a traffic generator per service, so
 * the router sees steady load. `npm start` runs it (sandbox/main.ts); tests start it in-process.
 */
import { createCloudRunApi, type CloudRunApi } from './cloudrun/api.js';
import { createMonitoringApi, type MonitoringApi } from './monitoring/api.js';
import { createRequestLog } from './requestLog.js';
import { createRevisionHost } from './revisions/host.js';
import { createRouter } from './router/router.js';
import { startTraffic } from './traffic/generator.js';
import type { RequestLog, RouteSource } from './types.js';
import { createMailSink, type MailSink } from './mail/sink.js';
import { createSlackStandIn, type SlackStandIn } from './slack/server.js';

/** A service the sandbox starts with: serving `image` at 100%, like a production service before Runway's first rollout. */
export interface SandboxService {
  readonly service: string;
  readonly image: string;
  /** Requests per second to this service; default the sandbox's `trafficPerSecond`. */
  readonly trafficPerSecond?: number;
}

export interface SandboxOptions {
  readonly project: string;
  readonly region: string;
  readonly services: readonly SandboxService[];
  /** Port of the Cloud Run Admin API stand-in; 0 (default) picks a free one. */
  readonly cloudRunPort?: number;
  /** Port of the Cloud Monitoring stand-in; 0 (default) picks a free one. */
  readonly monitoringPort?: number;
  /** Requests per second the traffic generator sends to each service's URL; 0 sends none. Default 20. */
  readonly trafficPerSecond?: number;
  /** Delay before a request shows in Monitoring, as in Cloud Monitoring. Default 0. */
  readonly reportingDelayMs?: number;
  /** The Slack stand-in's port (0, the default: a free one), and the app it sends commands and clicks to. */
  readonly slack?: { readonly port?: number; readonly appUrl?: string | null; readonly signingSecret?: string };
  /** The SMTP sink's port; 0 (default) picks a free one. */
  readonly smtpPort?: number;
}

/** A running sandbox. URLs are `http://127.0.0.1:PORT`. */
export interface Sandbox {
  readonly project: string;
  readonly region: string;
  readonly cloudRunUrl: string;
  readonly monitoringUrl: string;
  /** Each service's URL, as Cloud Run's `https://SERVICE-….run.app`. */
  readonly serviceUrls: Readonly<Record<string, string>>;
  readonly cloudRun: CloudRunApi;
  readonly monitoring: MonitoringApi;
  readonly log: RequestLog;
  /** The Slack stand-in (Web API at `${slackUrl}/api/`, the inbox page at `slackUrl`). */
  readonly slack: SlackStandIn;
  readonly slackUrl: string;
  /** The SMTP sink, at `127.0.0.1:${smtpPort}`. */
  readonly mail: MailSink;
  readonly smtpPort: number;
  /** Stops the traffic, the servers and every revision process. */
  close(): Promise<void>;
}

/** Starts the sandbox; on failure, stops whatever had started. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = createRequestLog();
  const host = createRevisionHost();
  // The router and the Cloud Run API need each other: the router routes by the API's live split, the API hands out the
  // router's URLs. The router reads its routes through this late-bound source.
  let routes: RouteSource = { routesOf: () => null };
  const router = createRouter({ routes: { routesOf: (service) => routes.routesOf(service) }, host, log });
  const cloudRun = createCloudRunApi({ host, router });
  routes = cloudRun.routes;
  const monitoring = createMonitoringApi({
    log,
    project: options.project,
    region: options.region,
    reportingDelayMs: options.reportingDelayMs ?? 0,
  });
  const stoppers: (() => Promise<void>)[] = [() => host.stopAll(), () => router.close()];
  const close = async (): Promise<void> => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  try {
    const cloudRunUrl = await cloudRun.listen(options.cloudRunPort ?? 0);
    stoppers.push(() => cloudRun.close());
    const monitoringUrl = await monitoring.listen(options.monitoringPort ?? 0);
    stoppers.push(() => monitoring.close());
    const mail = createMailSink();
    const smtpPort = await mail.listen(options.smtpPort ?? 0);
    stoppers.push(() => mail.close());
    const slack = createSlackStandIn({
      appUrl: options.slack?.appUrl ?? null,
      signingSecret: options.slack?.signingSecret ?? '',
      mail,
    });
    const slackUrl = await slack.listen(options.slack?.port ?? 0);
    stoppers.push(() => slack.close());
    const serviceUrls: Record<string, string> = {};
    for (const { service, image, trafficPerSecond } of options.services) {
      await cloudRun.createService({ project: options.project, region: options.region, service }, image);
      const url = await router.serviceUrl(service);
      serviceUrls[service] = url;
      const rate = trafficPerSecond ?? options.trafficPerSecond ?? 20;
      if (rate > 0) {
        const traffic = startTraffic({ url, ratePerSecond: rate });
        stoppers.push(() => traffic.stop());
      }
    }
    return {
      project: options.project,
      region: options.region,
      cloudRunUrl,
      monitoringUrl,
      serviceUrls,
      cloudRun,
      monitoring,
      log,
      slack,
      slackUrl,
      mail,
      smtpPort,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
