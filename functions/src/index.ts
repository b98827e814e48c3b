/**
 * Runway's Cloud Functions. This file exports them and nothing else: each lives in triggers/, one file per entry point.
 */
export { alerts } from './triggers/alerts.js';
export { alertsTopic } from './triggers/alertsTopic.js';
export { cloudBuilds } from './triggers/cloudBuild.js';
export { fireTimer } from './triggers/fireTimer.js';
export { rolloutAction } from './triggers/rolloutAction.js';
export { runEffect } from './triggers/runEffect.js';
export { sweep } from './triggers/sweep.js';
export { slack } from './triggers/slack.js';
export { slackRequest } from './triggers/slackRequest.js';
