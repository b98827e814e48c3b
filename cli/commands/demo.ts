/**
 * `runway demo good|bad|slow|crash|unhealthy [--wait]`: publishes a Cloud Build notification, in Cloud Build's real
 * format, to the local stack's `cloud-builds` topic, for one of the sandbox's demo images of service `hello`. Runway picks
 * it up exactly as it would a real build. With `--wait`, follows the rollout until it ends and exits 0 if it ended as the
 * scenario should (promoted for good, rolled back or aborted for the others).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { demoImage } from '../../sandbox/src/images.js';
import { isTerminal } from '../../functions/src/domain/phase.js';
import { demoBuildMessage } from '../demo/buildMessage.js';
import { readStack, type StackInfo } from '../stack.js';
import { readRollouts } from './status.js';
import { formatTable, summarize } from '../status/summary.js';
import { DEMO_APPROVER, runApprovalDemo } from '../demo/approval.js';

/** The scenarios: which demo image each deploys, and how its rollout should end. */
export const SCENARIOS = {
  good: { tag: 'v2', expect: ['succeeded'], what: 'a healthy image: promoted step by step' },
  bad: { tag: 'v3-errors', expect: ['rolled_back'], what: '8% of requests fail: rolled back by the analysis' },
  slow: { tag: 'v4-slow', expect: ['rolled_back'], what: 'a slow tail (p99 ≈ 1.5 s): rolled back by the analysis' },
  crash: { tag: 'v5-crash', expect: ['aborted'], what: 'never starts: the deploy fails, no user traffic' },
  unhealthy: { tag: 'v6-unhealthy', expect: ['aborted'], what: '/healthz fails: stopped by the smoke checks' },
  approval: {
    tag: 'v2',
    expect: ['succeeded'],
    what: 'hello-prod waits for approval in Slack; a signed Approve click lets it proceed',
  },
} as const satisfies Record<string, { tag: string; expect: readonly string[]; what: string }>;
type Scenario = keyof typeof SCENARIOS;

const DEMO_SERVICE = 'hello';
const DEMO_REGION = 'europe-west1';
const WAIT_LIMIT_MS = 5 * 60_000;

interface DemoOptions {
  readonly wait?: boolean;
  /** approval: who clicks Approve. */
  readonly as: string;
  /** approval: false with --no-click. */
  readonly click: boolean;
}

/** Adds `runway demo` to the program. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('publish a Cloud Build notification for a demo image to the local stack (npm start)')
    .argument('<scenario>', Object.keys(SCENARIOS).join(' | '))
    .option('--wait', 'follow the rollout until it ends; exit 1 if it did not end as the scenario should')
    .option(
      '--as <user>',
      'approval: the Slack user who clicks Approve (U0DEMOADA approves; U0DEMOVIC is refused)',
      DEMO_APPROVER,
    )
    .option('--no-click', 'approval: stop once the rollout waits for approval')
    .addHelpText(
      'after',
      [
        '',
        'Scenarios:',
        ...Object.entries(SCENARIOS).map(([n, s]) => `  ${n.padEnd(10)} hello:${s.tag.padEnd(13)} ${s.what}`),
      ].join('\n'),
    )
    .action(async (scenario: string, options: DemoOptions) => {
      if (!(scenario in SCENARIOS)) {
        throw new Error(`unknown scenario '${scenario}': choose one of ${Object.keys(SCENARIOS).join(', ')}`);
      }
      const chosen = SCENARIOS[scenario as Scenario];
      const stack = readStack();
      if (scenario === 'approval') {
        const phase = await runApprovalDemo(
          stack,
          { as: options.as, click: options.click, wait: options.wait === true },
          {
            publish: (message) => publishBuild(stack, message),
            rollout: async (id) => (await readRollouts(undefined, 20)).find((r) => r.id === id),
            print: (line) => process.stdout.write(`${line}\n`),
          },
        );
        process.stdout.write(`rollout: ${phase}\n`);
        if (options.wait && options.click && !(chosen.expect as readonly string[]).includes(phase)) {
          throw new Error(`expected the rollout to end ${chosen.expect.join(' or ')}, but it is ${phase}`);
        }
        return;
      }
      const buildId = randomUUID();
      const image = demoImage(chosen.tag);
      await publishBuild(
        stack,
        demoBuildMessage({
          buildId,
          projectId: stack.projectId,
          region: DEMO_REGION,
          service: DEMO_SERVICE,
          image,
          finishedAt: Date.now(),
        }),
      );
      process.stdout.write(
        `published build ${buildId} of ${image.byTag} (${image.digest.slice(0, 19)}…) to cloud-builds\n`,
      );
      if (!options.wait) {
        process.stdout.write('follow it with: npx runway status\n');
        return;
      }
      const phase = await waitForEnd(buildId);
      process.stdout.write(`rollout ended: ${phase}\n`);
      if (!(chosen.expect as readonly string[]).includes(phase)) {
        throw new Error(`expected the rollout to end ${chosen.expect.join(' or ')}, but it ended ${phase}`);
      }
    });
}

async function publishBuild(
  stack: StackInfo,
  message: { data: string; attributes: Record<string, string> },
): Promise<void> {
  const topic = process.env.RUNWAY_CLOUD_BUILD_TOPIC ?? 'cloud-builds';
  const url = `http://${stack.pubsub}/v1/projects/${stack.projectId}/topics/${topic}:publish`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [message] }),
  });
  if (!response.ok) {
    throw new Error(`the Pub/Sub emulator refused the message (${response.status}): ${await response.text()}`);
  }
}

/** Polls the rollout of `buildId` until it is in a terminal phase; prints each change of phase or step. */
async function waitForEnd(buildId: string): Promise<string> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const rollout = (await readRollouts(undefined, 20)).find((r) => r.build.buildId === buildId);
    if (rollout) {
      const row = formatTable([summarize(rollout)]).split('\n')[1] ?? '';
      if (row !== last) process.stdout.write(`  ${row}\n`);
      last = row;
      if (isTerminal(rollout.phase)) return rollout.phase;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the rollout of build ${buildId} did not end within ${WAIT_LIMIT_MS / 60_000} minutes`);
}
