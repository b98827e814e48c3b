/**
 * decide(), phase × event, for the phases around the candidate's traffic: deploying, verifying, awaiting approval (before
 * the first traffic and before promotion), queued, and rollouts that have finished or never existed. How a row is run:
 * table.ts. Commands have their own table (decide.commands.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { TARGET_ID, alertClosed, forgedResult } from '../../support/domain-fixtures.js';
import {
  GATE_FIRST,
  GATE_FIRST_PROCEED,
  GATE_PROMOTION,
  GATE_PROMOTION_PROCEED,
  PROMOTE,
  ROLLBACK,
  STEP_0,
  again,
  alert,
  at,
  fails,
  finished,
  forged,
  ok,
  queued,
  runRow,
  type Row,
} from './table.js';

const ROWS: Row[] = [
  // deploying
  {
    name: 'deploying × revision.ready → verifying: smoke checks',
    given: at('deploying'),
    when: ok,
    status: 'applied',
    message: /candidate checkout-b1 ready/,
    phase: 'verifying',
    work: ['smoke'],
  },
  {
    name: 'deploying × revision.ready, no smoke checks → first canary step',
    given: at('deploying', { smoke: { checks: [] } }),
    when: ok,
    status: 'applied',
    message: /ready/,
    phase: 'progressing',
    work: STEP_0,
  },
  {
    name: 'deploying × deploy.failed → aborted, nothing to undo',
    given: at('deploying'),
    when: fails,
    status: 'applied',
    message: /deploy failed/,
    phase: 'aborted',
    then: (d, sim) =>
      expect(sim.rollout('checkout.production@b1').ending).toMatchObject({
        cause: 'deploy_failed',
        reason: 'deploy failed: quota exceeded',
      }),
  },
  {
    name: 'deploying × revision.ready for another effect → ignored',
    given: at('deploying'),
    when: forged('deploy'),
    status: 'ignored',
    message: /stale revision .* deploying and waits for deploy/,
    phase: 'deploying',
  },
  {
    name: 'deploying × deploy.failed for another effect → ignored',
    given: at('deploying'),
    when: forged('deploy', false),
    status: 'ignored',
    message: /stale deploy failure/,
    phase: 'deploying',
  },
  {
    name: 'deploying × traffic.applied for an unknown effect → ignored',
    given: at('deploying'),
    when: forged('traffic'),
    status: 'ignored',
    message: /stale traffic confirmation/,
    phase: 'deploying',
  },
  {
    name: 'deploying × timer.elapsed for an unknown timer → ignored',
    given: at('deploying'),
    when: forged('timer'),
    status: 'ignored',
    message: /stale timer/,
    phase: 'deploying',
  },
  {
    name: 'deploying × alert.opened → aborted',
    given: at('deploying'),
    when: alert,
    status: 'applied',
    message: /incident incident-1 rolls back checkout.production@b1/,
    phase: 'aborted',
    then: (d) => expect(d.rollouts[0]?.ending?.cause).toBe('alert'),
  },
  {
    name: 'deploying × alert.closed → recorded',
    given: at('deploying'),
    when: () => alertClosed(),
    status: 'applied',
    message: /incident incident-1 closed before its open/,
    phase: 'deploying',
  },

  // verifying
  {
    name: 'verifying × smoke.passed → first canary step at 10%',
    given: at('verifying'),
    when: ok,
    status: 'applied',
    message: /smoke checks passed/,
    phase: 'progressing',
    work: STEP_0,
    then: (d) => expect(d.state.active?.smoke?.[0]).toMatchObject({ name: 'GET /healthz', ok: true }),
  },
  {
    name: 'verifying × smoke.failed → aborted',
    given: at('verifying'),
    when: fails,
    status: 'applied',
    message: /smoke checks failed/,
    phase: 'aborted',
    then: (d) =>
      expect(d.rollouts[0]?.ending).toMatchObject({
        cause: 'smoke_failed',
        reason: 'smoke check failed: quota exceeded',
      }),
  },
  {
    name: 'verifying × smoke.passed for another effect → ignored',
    given: at('verifying'),
    when: forged('smoke'),
    status: 'ignored',
    message: /stale smoke result/,
    phase: 'verifying',
  },
  {
    name: 'verifying × revision.ready again → ignored',
    given: at('verifying'),
    when: again('revision.ready'),
    status: 'ignored',
    message: /stale revision/,
    phase: 'verifying',
  },
  {
    name: 'verifying × alert.opened → aborted',
    given: at('verifying'),
    when: alert,
    status: 'applied',
    message: /rolls back/,
    phase: 'aborted',
  },

  // awaiting approval before the first traffic
  {
    name: 'approval before traffic × timer (onTimeout reject) → rejected, no traffic',
    given: at('approval:beforeFirstTraffic', GATE_FIRST),
    when: ok,
    status: 'applied',
    message: /approval timed out; rejected/,
    phase: 'rejected',
    then: (d) =>
      expect(d.rollouts[0]).toMatchObject({
        approval: { decision: { approved: false } },
        ending: { cause: 'approval_timeout' },
      }),
  },
  {
    name: 'approval before traffic × timer (onTimeout proceed) → first step',
    given: at('approval:beforeFirstTraffic', GATE_FIRST_PROCEED),
    when: ok,
    status: 'applied',
    message: /proceeding per policy/,
    phase: 'progressing',
    work: STEP_0,
  },
  {
    name: 'approval before traffic × smoke.passed again → ignored',
    given: at('approval:beforeFirstTraffic', GATE_FIRST),
    when: again('smoke.passed'),
    status: 'ignored',
    message: /stale smoke result/,
    phase: 'awaiting_approval',
  },
  {
    name: 'approval before traffic × another timer → ignored',
    given: at('approval:beforeFirstTraffic', GATE_FIRST),
    when: forged('timer'),
    status: 'ignored',
    message: /stale timer .* waits for timer/,
    phase: 'awaiting_approval',
  },
  {
    name: 'approval before traffic × alert.opened → aborted',
    given: at('approval:beforeFirstTraffic', GATE_FIRST),
    when: alert,
    status: 'applied',
    message: /rolls back/,
    phase: 'aborted',
  },

  // awaiting approval before promotion (the candidate has 50%)
  {
    name: 'approval before promotion × timer (reject) → rolling back, ends rejected',
    given: at('approval:beforePromotion', GATE_PROMOTION),
    when: ok,
    status: 'applied',
    message: /approval timed out; rejected/,
    phase: 'rolling_back',
    work: ROLLBACK,
    then: (d) => expect(d.state.active?.rollbackEndsAs).toBe('rejected'),
  },
  {
    name: 'approval before promotion × timer (proceed) → promoted',
    given: at('approval:beforePromotion', GATE_PROMOTION_PROCEED),
    when: ok,
    status: 'applied',
    message: /proceeding per policy/,
    phase: 'promoted',
    work: PROMOTE,
  },
  {
    name: 'approval before promotion × alert.opened → rolling back',
    given: at('approval:beforePromotion', GATE_PROMOTION),
    when: alert,
    status: 'applied',
    message: /rolls back/,
    phase: 'rolling_back',
    work: ROLLBACK,
  },
  {
    name: 'approval before promotion × analysis again → ignored',
    given: at('approval:beforePromotion', GATE_PROMOTION),
    when: again('analysis.completed'),
    status: 'ignored',
    message: /stale analysis/,
    phase: 'awaiting_approval',
  },

  // queued
  {
    name: 'queued × a result for it → ignored (it waits for nothing)',
    given: queued,
    subject: (sim) => sim.lastBuildRolloutId,
    when: (sim) => forgedResult('deploy', sim.lastBuildRolloutId),
    status: 'ignored',
    message: /stale revision .* queued and waits for nothing/,
    phase: 'queued',
  },
  {
    name: 'queued × a timer for it → ignored',
    given: queued,
    subject: (sim) => sim.lastBuildRolloutId,
    when: (sim) => forgedResult('timer', sim.lastBuildRolloutId),
    status: 'ignored',
    message: /stale timer/,
    phase: 'queued',
  },
  {
    name: 'queued × alert.opened → dropped (aborted), the active one too',
    given: queued,
    subject: (sim) => sim.lastBuildRolloutId,
    when: alert,
    status: 'applied',
    message: /rolls back checkout.production@b1/,
    phase: 'aborted',
    then: (d) => expect(d.state).toMatchObject({ active: null, queue: [] }),
  },

  // finished and unknown rollouts, other targets
  {
    name: 'succeeded × its guard timer again → ignored',
    given: finished,
    subject: () => 'checkout.production@b1',
    when: again('timer.elapsed'),
    status: 'ignored',
    message: /rollout checkout.production@b1 is no longer active/,
    phase: 'succeeded',
  },
  {
    name: 'succeeded × alert.opened → noted, nothing to roll back',
    given: finished,
    subject: () => 'checkout.production@b1',
    when: alert,
    status: 'applied',
    message: /no rollout to roll back/,
    phase: 'succeeded',
    then: (d) =>
      expect(d.effects).toMatchObject([
        { type: 'events.publish', eventType: 'runway.incident.opened', data: { action: 'notified' } },
        { type: 'notify', topic: 'alert.opened', severity: 'warning', rolloutId: null },
      ]),
  },
  {
    name: 'an unknown rollout × traffic.applied → ignored',
    given: at('progressing:traffic'),
    when: () => forgedResult('traffic', `${TARGET_ID}@nope`),
    status: 'ignored',
    message: /rollout checkout.production@nope is no longer active/,
    phase: 'progressing',
  },
  {
    name: 'an event for another target → refused',
    given: at('progressing:baking'),
    when: (sim) => ({ ...sim.answerEvent(), targetId: 'checkout.staging' }),
    status: 'refused',
    message: /event for checkout.staging given to target checkout.production/,
    phase: 'progressing',
  },
];

describe('decide(): phase × event before traffic', () => {
  it.each(ROWS)('$name', runRow);
});
