/**
 * `runway incident open|close [--id ID] [--service S] [--via pubsub|webhook]`: sends a Cloud Monitoring notification about
 * the local stack's service (default `hello`) the way Monitoring would, through the `runway-alerts` topic (default) or
 * the `alerts` webhook with its token. An open incident rolls back whatever rollout is in flight; `close` records it.
 * Prints the incident id: send `close --id ID` to close the same one.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { demoNotification } from '../demo/incident.js';
import { readStack } from '../stack.js';

interface IncidentOptions {
  readonly id?: string;
  readonly service: string;
  readonly via: string;
  readonly policy: string;
}

const DEMO_REGION = 'europe-west1';

/** Adds `runway incident` to the program. */
export function registerIncidentCommand(program: Command): void {
  program
    .command('incident')
    .description('send a Cloud Monitoring incident about a sandbox service to the local stack (npm start)')
    .argument('<state>', 'open | close')
    .option('--id <id>', 'the incident id (default: a new one; give the open one to close it)')
    .option('--service <name>', 'the Cloud Run service it is about', 'hello')
    .option('--via <channel>', 'pubsub (the runway-alerts topic) or webhook (the alerts function)', 'pubsub')
    .option('--policy <name>', 'the alert policy it comes from', 'hello 5xx rate')
    .action(async (state: string, options: IncidentOptions, command: Command) => {
      if (state !== 'open' && state !== 'close') command.error(`error: state must be open or close, not ${state}`);
      if (options.via !== 'pubsub' && options.via !== 'webhook') {
        command.error(`error: --via must be pubsub or webhook, not ${options.via}`);
      }
      const stack = readStack();
      if (!stack.alerts) throw new Error('this stack was started by an older npm start: restart it');
      const incidentId = options.id ?? `0.${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const now = Math.floor(Date.now() / 1000);
      const body = demoNotification({
        incidentId,
        state: state === 'open' ? 'open' : 'closed',
        projectId: stack.projectId,
        region: DEMO_REGION,
        service: options.service,
        policy: options.policy,
        startedAt: now,
        endedAt: state === 'close' ? now : null,
      });
      if (options.via === 'webhook') {
        const response = await fetch(`${stack.alerts.webhook}?token=${encodeURIComponent(stack.alerts.token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        process.stdout.write(`webhook answered ${response.status}: ${await response.text()}\n`);
        if (!response.ok) process.exitCode = 1;
      } else {
        const url = `http://${stack.pubsub}/v1/projects/${stack.projectId}/topics/${stack.alerts.topic}:publish`;
        const data = Buffer.from(JSON.stringify(body)).toString('base64');
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ data }] }),
        });
        if (!response.ok) throw new Error(`the Pub/Sub emulator refused the message (${response.status})`);
        process.stdout.write(`published incident ${incidentId} (${state}) to ${stack.alerts.topic}\n`);
      }
      process.stdout.write(
        `follow it with: npx runway status   (close it: npx runway incident close --id ${incidentId})\n`,
      );
    });
}
