/**
 * Releasing a demo image on a running local stack from a script or a test: the Cloud Build notification `runway demo`
 * sends, published straight to the stack's Pub/Sub emulator.
 */
import { demoBuildMessage, type DemoBuild, type PubSubMessage } from '../../cli/demo/buildMessage.js';
import { demoImage } from '../../sandbox/src/images.js';
import { STACK_PROJECT_ID, type LocalStack } from './localStack.js';
import { pubsubRest } from './pubsubRest.js';

/**
 * Publishes a Cloud Build notification for demo image `tag` of `service` to the stack's `cloud-builds` topic, as
 * `runway demo` does; returns the message.
 */
export async function publishDemoBuild(
  stack: Pick<LocalStack, 'pubsub'>,
  build: { buildId: string; service: string; tag: string } & Pick<DemoBuild, 'authorEmail'>,
): Promise<PubSubMessage> {
  const message = demoBuildMessage({
    buildId: build.buildId,
    projectId: STACK_PROJECT_ID,
    region: 'europe-west1',
    service: build.service,
    image: demoImage(build.tag),
    finishedAt: Date.now(),
    ...(build.authorEmail ? { authorEmail: build.authorEmail } : {}),
  });
  await pubsubRest(stack.pubsub, STACK_PROJECT_ID).publish('cloud-builds', [message]);
  return message;
}
