/**
 * Runs the sandbox as a process: `npx tsx sandbox/main.ts [--cloud-run-port N] [--monitoring-port N]
 * [--traffic N] [--state-file FILE] [--slack-port N] [--smtp-port N] [--slack-app-url URL]` (the Slack stand-in signs
 * what it sends the app with $SLACK_SIGNING_SECRET). Starts the demo service `hello` on its first image (hello:v1), writes the
 * addresses as JSON to the state file (for scripts/start.mjs and the CLI), and stops everything on SIGINT/SIGTERM.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoImage } from './src/images.js';
import { startSandbox } from './src/sandbox.js';

/** The demo's project and region: runway.yaml's target hello.local (sandbox/runway.yaml) names the same. */
export const DEMO_PROJECT = 'demo-runway';
export const DEMO_REGION = 'europe-west1';

const { values } = parseArgs({
  options: {
    'cloud-run-port': { type: 'string', default: '0' },
    'monitoring-port': { type: 'string', default: '0' },
    traffic: { type: 'string', default: '20' },
    'state-file': { type: 'string' },
    'slack-port': { type: 'string', default: '0' },
    'smtp-port': { type: 'string', default: '0' },
    'slack-app-url': { type: 'string' },
    project: { type: 'string', default: DEMO_PROJECT },
  },
});

function port(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`--${name} must be a port number, not ${text}`);
  return value;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    project: values.project ?? DEMO_PROJECT,
    region: DEMO_REGION,
    // hello is the demo's service (target hello.local); hello-prod is the one that needs approval (hello.production).
    services: [
      { service: 'hello', image: demoImage('v1').byDigest },
      // Blue-green, no analysis: a trickle of traffic is enough, and leaves the two cores to hello's canary.
      { service: 'hello-prod', image: demoImage('v1').byDigest, trafficPerSecond: 2 },
    ],
    cloudRunPort: port('cloud-run-port', values['cloud-run-port']),
    monitoringPort: port('monitoring-port', values['monitoring-port']),
    trafficPerSecond: Number(values.traffic ?? 20),
    // The signing secret comes from the environment, not the command line (where `ps` would show it).
    slack: {
      port: port('slack-port', values['slack-port']),
      appUrl: values['slack-app-url'] ?? null,
      signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
    },
    smtpPort: port('smtp-port', values['smtp-port']),
  });
  const state = {
    pid: process.pid,
    project: sandbox.project,
    region: sandbox.region,
    cloudRun: sandbox.cloudRunUrl,
    monitoring: sandbox.monitoringUrl,
    services: sandbox.serviceUrls,
    slack: sandbox.slackUrl,
    smtp: `127.0.0.1:${sandbox.smtpPort}`,
  };
  const stateFile = values['state-file'];
  if (stateFile) writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  process.stdout.write(`sandbox ready ${JSON.stringify(state)}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().finally(() => {
      if (stateFile) rmSync(stateFile, { force: true });
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
