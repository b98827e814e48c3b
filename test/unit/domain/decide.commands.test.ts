/**
 * decide(), commands: every command in every phase (given by someone allowed, with a reason), then the role and reason
 * checks, then what each command does in detail. A command that makes no sense in the phase is refused with the reason,
 * never silently applied.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../functions/src/domain/actor.js';
import type { CommandName } from '../../../functions/src/domain/events.js';
import { COMMANDS } from '../../../functions/src/domain/events.js';
import type { Phase } from '../../../functions/src/domain/phase.js';
import {
  ACTORS,
  FAILING,
  TARGET_ID,
  command,
  describeWork,
  resultOf,
  user,
  type Sim,
} from '../../support/domain-fixtures.js';
import {
  BAKE_0,
  GATE_FIRST,
  GATE_PROMOTION,
  PROMOTE,
  ROLLBACK,
  STEP_0,
  at,
  finished,
  held,
  pausedAt,
  queued,
  rollingBack,
  runRow,
  type Row,
} from './table.js';

type Expected = { readonly phase: Phase; readonly work?: readonly string[] } | { readonly refused: RegExp };

interface StageCase {
  readonly given: () => Sim;
  readonly subject?: (sim: Sim) => string;
  readonly phase: Phase;
  readonly expect: Record<CommandName, Expected>;
}

const nothingAwaits = { refused: /nothing awaits approval: checkout.production@b\d is \w+/ };
const notProgressing = { refused: /only a progressing rollout can be paused/ };
const notPaused = { refused: /only a paused rollout can be resumed/ };
const notPromotable = { refused: /only a progressing or paused rollout can be promoted/ };
const aborted = { phase: 'aborted' } as const;
const rollsBack = { phase: 'rolling_back', work: ROLLBACK } as const;
const promotes = { phase: 'promoted', work: PROMOTE } as const;
const pauses = { phase: 'paused' } as const;

/** Stopping before any user traffic ends at once; with traffic it rolls back first. */
function beforeTraffic(approve: Expected, reject: Expected): Record<CommandName, Expected> {
  const { pause, resume, promote } = { pause: notProgressing, resume: notPaused, promote: notPromotable };
  return { approve, reject, pause, resume, promote, rollback: aborted, abort: aborted };
}

function progressing(): Record<CommandName, Expected> {
  return {
    approve: nothingAwaits,
    reject: nothingAwaits,
    pause: pauses,
    resume: notPaused,
    promote: promotes,
    rollback: rollsBack,
    abort: rollsBack,
  };
}

function promoted(): Record<CommandName, Expected> {
  const { approve, reject } = { approve: nothingAwaits, reject: nothingAwaits };
  return { approve, reject, pause: notProgressing, resume: notPaused, promote: notPromotable, ...stops(rollsBack) };
}

function stops(e: Expected): { rollback: Expected; abort: Expected } {
  return { rollback: e, abort: e };
}

const STAGES: Record<string, StageCase> = {
  queued: {
    given: queued,
    subject: (sim) => sim.lastBuildRolloutId,
    phase: 'queued',
    expect: beforeTraffic(nothingAwaits, nothingAwaits),
  },
  deploying: { given: at('deploying'), phase: 'deploying', expect: beforeTraffic(nothingAwaits, nothingAwaits) },
  verifying: { given: at('verifying'), phase: 'verifying', expect: beforeTraffic(nothingAwaits, nothingAwaits) },
  'awaiting approval before traffic': {
    given: at('approval:beforeFirstTraffic', GATE_FIRST),
    phase: 'awaiting_approval',
    expect: beforeTraffic({ phase: 'progressing', work: STEP_0 }, { phase: 'rejected' }),
  },
  'awaiting approval before promotion': {
    given: at('approval:beforePromotion', GATE_PROMOTION),
    phase: 'awaiting_approval',
    expect: {
      ...promoted(),
      approve: promotes,
      reject: rollsBack,
    },
  },
  'progressing (traffic asked)': { given: at('progressing:traffic'), phase: 'progressing', expect: progressing() },
  'progressing (baking)': { given: at('progressing:baking'), phase: 'progressing', expect: progressing() },
  'progressing (analysing)': { given: at('progressing:analysing'), phase: 'progressing', expect: progressing() },
  paused: {
    given: pausedAt('progressing:baking'),
    phase: 'paused',
    expect: {
      ...progressing(),
      pause: notProgressing,
      resume: { phase: 'progressing', work: [BAKE_0] },
    },
  },
  'promoted (traffic asked)': { given: at('promoted:traffic'), phase: 'promoted', expect: promoted() },
  'promoted (guard window)': { given: at('promoted:guard'), phase: 'promoted', expect: promoted() },
  'rolling back': {
    given: rollingBack,
    phase: 'rolling_back',
    expect: {
      ...promoted(),
      ...stops({ refused: /checkout.production@b1 is already rolling back/ }),
    },
  },
};

const APPLIED: Record<CommandName, RegExp> = {
  approve: /approved by alex \(slack\)/,
  reject: /rejected by alex \(slack\)/,
  pause: /paused by dana \(slack\)/,
  resume: /resumed by dana \(slack\)/,
  promote: /promoted by dana \(slack\)/,
  rollback: /rollback by dana \(slack\)/,
  abort: /abort by dana \(slack\)/,
};

/** Who gives each command in the matrix: someone allowed to. */
function allowedActor(name: CommandName): Actor {
  return name === 'approve' || name === 'reject' ? ACTORS.approver : ACTORS.deployer;
}

const MATRIX: Row[] = Object.entries(STAGES).flatMap(([stageName, stage]) =>
  COMMANDS.map((name): Row => {
    const expected = stage.expect[name];
    const refused = 'refused' in expected;
    return {
      name: `${stageName} × ${name} → ${refused ? 'refused' : expected.phase}`,
      given: stage.given,
      subject: stage.subject,
      when: (sim) => command(name, stage.subject?.(sim) ?? sim.active.id, allowedActor(name), 'checked the dashboards'),
      status: refused ? 'refused' : 'applied',
      message: refused ? expected.refused : APPLIED[name],
      phase: refused ? stage.phase : expected.phase,
      work: refused ? [] : (expected.work ?? []),
    };
  }),
);

describe('decide(): every command in every phase', () => {
  it.each(MATRIX)('$name', runRow);
});

// ─── Roles and reasons ───────────────────────────────────────────────────────────────────────────────────────────────

const gate = at('approval:beforePromotion', GATE_PROMOTION);
const baking = at('progressing:baking');
const cmd =
  (name: CommandName, actor: Actor, reason: string | null = null) =>
  (sim: Sim) =>
    command(name, sim.active.id, actor, reason);

const ROLES_AND_REASONS: Row[] = [
  {
    name: 'approve by a deployer (not an approver) → refused',
    given: gate,
    when: cmd('approve', ACTORS.deployer),
    status: 'refused',
    message: /dana \(slack\) may not approve in production: needs one of approver, admin/,
    phase: 'awaiting_approval',
  },
  {
    name: 'reject by a deployer → refused',
    given: gate,
    when: cmd('reject', ACTORS.deployer, 'no'),
    status: 'refused',
    message: /may not reject/,
    phase: 'awaiting_approval',
  },
  {
    name: 'approve by an admin → applied',
    given: gate,
    when: cmd('approve', ACTORS.admin),
    status: 'applied',
    message: /approved by root \(cli\)/,
    phase: 'promoted',
    work: PROMOTE,
  },
  {
    name: 'approve with no reason → applied (none needed)',
    given: gate,
    when: cmd('approve', ACTORS.approver),
    status: 'applied',
    message: /approved by alex/,
    phase: 'promoted',
    work: PROMOTE,
    then: (d) =>
      expect(d.state.active?.approval?.decision).toMatchObject({
        approved: true,
        reason: null,
        actor: ACTORS.approver,
      }),
  },
  {
    name: 'approve by someone with an approval role the policy names → applied',
    given: at('approval:beforePromotion', { approval: { required: true, roles: ['deployer'] } }),
    when: cmd('approve', ACTORS.deployer),
    status: 'applied',
    message: /approved by dana/,
    phase: 'promoted',
    work: PROMOTE,
  },
  {
    name: 'approve by an approver the policy does not name → refused',
    given: at('approval:beforePromotion', { approval: { required: true, roles: ['deployer'] } }),
    when: cmd('approve', ACTORS.approver),
    status: 'refused',
    message: /needs one of deployer, admin/,
    phase: 'awaiting_approval',
  },
  {
    name: 'reject without a reason → refused',
    given: gate,
    when: cmd('reject', ACTORS.approver, null),
    status: 'refused',
    message: /a reason is required to reject/,
    phase: 'awaiting_approval',
  },
  {
    name: 'rollback with an empty reason → refused',
    given: baking,
    when: cmd('rollback', ACTORS.deployer, ''),
    status: 'refused',
    message: /a reason is required to rollback/,
    phase: 'progressing',
  },
  {
    name: 'abort with a blank reason → refused',
    given: baking,
    when: cmd('abort', ACTORS.deployer, '   '),
    status: 'refused',
    message: /a reason is required to abort/,
    phase: 'progressing',
  },
  {
    name: 'pause by a viewer → refused',
    given: baking,
    when: cmd('pause', ACTORS.viewer),
    status: 'refused',
    message: /vic \(dashboard\) may not pause in production: needs one of deployer, approver, admin/,
    phase: 'progressing',
  },
  {
    name: 'pause by an approver → applied (approvers operate too)',
    given: baking,
    when: cmd('pause', ACTORS.approver),
    status: 'applied',
    message: /paused by alex/,
    phase: 'paused',
  },
  {
    name: 'pause with no reason → applied',
    given: baking,
    when: cmd('pause', ACTORS.deployer),
    status: 'applied',
    message: /paused/,
    phase: 'paused',
    then: (d) => expect(d.state.active?.pause).toMatchObject({ reason: 'paused', actor: ACTORS.deployer }),
  },
  {
    name: 'resume by someone with no roles → refused',
    given: pausedAt('progressing:baking'),
    when: cmd('resume', ACTORS.nobody),
    status: 'refused',
    message: /nemo \(slack\) may not resume/,
    phase: 'paused',
  },
  {
    name: 'promote by a viewer → refused',
    given: baking,
    when: cmd('promote', ACTORS.viewer),
    status: 'refused',
    message: /may not promote/,
    phase: 'progressing',
  },
  {
    name: 'rollback by a viewer, with a reason → refused',
    given: baking,
    when: cmd('rollback', ACTORS.viewer, 'bad'),
    status: 'refused',
    message: /may not rollback/,
    phase: 'progressing',
  },
  {
    name: 'abort by someone with no roles → refused',
    given: at('deploying'),
    when: cmd('abort', ACTORS.nobody, 'bad'),
    status: 'refused',
    message: /may not abort/,
    phase: 'deploying',
  },
  {
    name: 'rollback by an admin → applied',
    given: baking,
    when: cmd('rollback', ACTORS.admin, 'p99 regressed'),
    status: 'applied',
    message: /rollback by root/,
    phase: 'rolling_back',
    work: ROLLBACK,
    then: (d) =>
      expect(d.state.active?.ending).toMatchObject({
        cause: 'manual_rollback',
        reason: 'p99 regressed (by root (cli))',
        actor: ACTORS.admin,
      }),
  },
  {
    name: 'abort → ending cause aborted, the person and their reason',
    given: baking,
    when: cmd('abort', ACTORS.deployer, 'wrong branch'),
    status: 'applied',
    message: /abort by dana/,
    phase: 'rolling_back',
    work: ROLLBACK,
    then: (d) =>
      expect(d.state.active?.ending).toMatchObject({ cause: 'aborted', reason: 'wrong branch (by dana (slack))' }),
  },
  {
    name: 'the role is checked before the phase: a viewer approving nothing is told about the role',
    given: baking,
    when: cmd('approve', ACTORS.viewer),
    status: 'refused',
    message: /may not approve/,
    phase: 'progressing',
  },
  {
    name: 'a command for a finished rollout → refused',
    given: finished,
    subject: () => `${TARGET_ID}@b1`,
    when: () => command('rollback', `${TARGET_ID}@b1`, ACTORS.admin, 'late'),
    status: 'refused',
    message: /checkout.production@b1 is not active on checkout.production: it has finished or never existed/,
    phase: 'succeeded',
  },
  {
    name: 'a command for an unknown rollout → refused',
    given: baking,
    when: () => command('pause', `${TARGET_ID}@nope`, ACTORS.admin),
    status: 'refused',
    message: /has finished or never existed/,
    phase: 'progressing',
  },
];

describe('decide(): who may command, and when a reason is required', () => {
  it.each(ROLES_AND_REASONS)('$name', runRow);
});

// ─── What commands do ────────────────────────────────────────────────────────────────────────────────────────────────

describe('decide(): what commands do', () => {
  it('pause while traffic is asked for keeps waiting for it; resume then bakes once it is confirmed', () => {
    const sim = pausedAt('progressing:traffic')();
    expect(sim.active).toMatchObject({ phase: 'paused', waitingFor: { kind: 'traffic' } });
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(resumed.state.active).toMatchObject({ phase: 'progressing', waitingFor: { kind: 'traffic' } });
    expect(describeWork(resumed, sim.now)).toEqual([]);
    const confirmed = sim.answer();
    expect(describeWork(confirmed, sim.now)).toEqual([BAKE_0]);
  });

  it('pause drops the bake timer; resume bakes the step afresh from now, metrics delay included', () => {
    const sim = pausedAt('progressing:baking')();
    expect(sim.active.waitingFor).toBeNull();
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(resumed.state.active).toMatchObject({ phase: 'progressing', pause: null, stepStartedAt: sim.now });
    expect(describeWork(resumed, sim.now)).toEqual([BAKE_0]);
  });

  it('resume after the judge held the rollout bakes again with the extensions reset', () => {
    const sim = held();
    expect(sim.active).toMatchObject({ phase: 'paused', extensions: 1 });
    const resumed = sim.command('resume', ACTORS.deployer);
    expect(resumed.state.active).toMatchObject({ phase: 'progressing', extensions: 0, step: 0 });
    expect(describeWork(resumed, sim.now)).toEqual([BAKE_0]);
  });

  it('promote skips the remaining steps but never the approval gate', () => {
    const sim = at('progressing:baking', GATE_PROMOTION)();
    const d = sim.command('promote', ACTORS.deployer);
    expect(d.outcome.status).toBe('applied');
    expect(d.state.active).toMatchObject({ phase: 'awaiting_approval', approval: { stage: 'beforePromotion' } });
    expect(describeWork(d, sim.now)).toEqual(['timer approval +3600s']);
  });

  it('promote at step 1 sends 100% to the candidate; the step timer it cut short is then stale', () => {
    const sim = at('progressing:baking')();
    const bakeTimer = sim.awaited();
    const d = sim.command('promote', ACTORS.deployer);
    expect(describeWork(d, sim.now)).toEqual(PROMOTE);
    expect(sim.send(resultOf(bakeTimer)).outcome.status).toBe('ignored');
  });

  it('reject records who said no and why', () => {
    const sim = at('approval:beforeFirstTraffic', GATE_FIRST)();
    const d = sim.command('reject', ACTORS.approver, 'freeze week');
    expect(d.rollouts[0]).toMatchObject({
      phase: 'rejected',
      approval: { decision: { approved: false, actor: ACTORS.approver, reason: 'freeze week' } },
      ending: { cause: 'rejected', reason: 'freeze week (by alex (slack))' },
    });
  });

  it('rollback of a queued rollout drops it and leaves the active one alone', () => {
    const sim = queued();
    const d = sim.command('rollback', ACTORS.deployer, 'not this one', sim.lastBuildRolloutId);
    expect(d.rollouts.map((r) => [r.id, r.phase])).toEqual([[`${TARGET_ID}@b2`, 'aborted']]);
    expect(d.state.active?.id).toBe(`${TARGET_ID}@b1`);
    expect(d.state.queue).toEqual([]);
  });

  it('analysis failing while paused is stale: a paused rollout is only moved by people and alerts', () => {
    const sim = pausedAt('progressing:analysing')();
    const d = sim.send(resultOf(sim.lastEffect('analysis.run'), true, { metrics: FAILING }));
    expect(d.outcome.status).toBe('ignored');
  });
});

describe('decide(): resume on a failed rollout that halted its target', () => {
  function haltedWithQueue(): Sim {
    const sim = rollingBack();
    sim.build(); // b2 queues behind b1
    sim.answer(false); // the rollback fails: b1 failed, target halted
    return sim;
  }

  it('a deployer un-halts the target and the queued rollout starts', () => {
    const sim = haltedWithQueue();
    expect(sim.state).toMatchObject({ active: null, halted: { rolloutId: `${TARGET_ID}@b1` } });
    const d = sim.send(command('resume', `${TARGET_ID}@b1`, ACTORS.deployer));
    expect(d.outcome).toMatchObject({ status: 'applied', message: /resumed by dana \(slack\) after failed rollout/ });
    expect(d.state).toMatchObject({ halted: null, active: { id: `${TARGET_ID}@b2`, phase: 'deploying' } });
    expect(describeWork(d, sim.now)).toEqual([`deploy ${TARGET_ID}@b2`]);
  });

  it('a viewer may not', () => {
    const sim = haltedWithQueue();
    const before = sim.state;
    const d = sim.send(command('resume', `${TARGET_ID}@b1`, user('vic', ['viewer'])));
    expect(d.outcome).toMatchObject({ status: 'refused', message: /may not resume checkout.production/ });
    expect(d.state).toBe(before);
  });

  it('a second resume is refused: the target is no longer halted and the rollout has finished', () => {
    const sim = haltedWithQueue();
    sim.send(command('resume', `${TARGET_ID}@b1`, ACTORS.deployer));
    const d = sim.send(command('resume', `${TARGET_ID}@b1`, ACTORS.deployer));
    expect(d.outcome).toMatchObject({ status: 'refused', message: /has finished or never existed/ });
  });

  it('other commands for the failed rollout are refused', () => {
    const sim = haltedWithQueue();
    const d = sim.send(command('rollback', `${TARGET_ID}@b1`, ACTORS.admin, 'try again'));
    expect(d.outcome.status).toBe('refused');
    expect(d.state.halted).not.toBeNull();
  });

  it('while halted a new build only queues', () => {
    const sim = haltedWithQueue();
    const d = sim.build();
    expect(d.outcome.message).toMatch(/queued: the target is halted/);
    expect(d.state).toMatchObject({ active: null, queue: [{ id: `${TARGET_ID}@b3`, phase: 'queued' }] });
  });
});
