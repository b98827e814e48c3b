/** Roles from runway.yaml's access, the four-eyes rule, and freezing, through decide(). */
import { describe, expect, it } from 'vitest';
import { validateRunwayConfig } from '../../../functions/src/domain/config/load.js';
import { accessOf } from '../../../functions/src/domain/config/people.js';
import { decide } from '../../../functions/src/domain/decide.js';
import type { Actor } from '../../../functions/src/domain/actor.js';
import { groupsNamed, rolesOf } from '../../../functions/src/domain/slack/access.js';
import { fourEyesRefusal } from '../../../functions/src/domain/fourEyes.js';
import { driveTo, buildSucceeded, buildInfo, Sim, TARGET_ID } from '../../support/domain-fixtures.js';

const config = (() => {
  const result = validateRunwayConfig({
    version: 1,
    targets: {
      checkout: {
        staging: { project: 'acme-staging', region: 'europe-west1' },
        production: { project: 'acme-prod', region: 'europe-west1', approval: { required: true } },
      },
    },
    access: {
      '*': { viewer: ['everyone'] },
      production: { deployer: ['S0DEVS'], approver: ['U0ALICE', 'S0LEADS'], admin: ['U0ROOT'], fourEyes: true },
    },
    slack: { command: '/deploy', people: { U0ALICE: ['alice@users.noreply.github.com'] } },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
})();

describe('access', () => {
  const production = accessOf(config.people, 'production');
  const staging = accessOf(config.people, 'staging');

  it("merges '*' into each environment, and applies it alone to environments not listed", () => {
    expect(rolesOf(production, 'U0ANYONE', new Set())).toEqual(['viewer']);
    expect(rolesOf(staging, 'U0ANYONE', new Set())).toEqual(['viewer']);
    expect(rolesOf(staging, 'U0ALICE', new Set())).toEqual(['viewer']);
  });

  it('grants roles by user id and by user group', () => {
    expect(rolesOf(production, 'U0ALICE', new Set())).toEqual(['viewer', 'approver']);
    expect(rolesOf(production, 'U0BOB', new Set(['S0DEVS']))).toEqual(['viewer', 'deployer']);
    expect(rolesOf(production, 'U0CAROL', new Set(['S0DEVS', 'S0LEADS']))).toEqual(['viewer', 'deployer', 'approver']);
    expect(rolesOf(production, 'U0ROOT', new Set())).toEqual(['viewer', 'admin']);
  });

  it('names the groups whose members must be looked up', () => {
    expect(groupsNamed(Object.values(config.people.access))).toEqual(['S0DEVS', 'S0LEADS']);
  });

  it('puts the four-eyes rule into the policies of that environment only', () => {
    const byId = new Map(config.targets.map((t) => [t.id, t]));
    expect(byId.get('checkout.production')?.approval.fourEyes).toBe(true);
    expect(byId.get('checkout.staging')?.approval.fourEyes).toBeUndefined();
    expect(config.people.slack).toEqual({
      command: '/deploy',
      people: { U0ALICE: ['alice@users.noreply.github.com'] },
    });
  });

  it('refuses a principal that is neither a user, a group nor everyone', () => {
    const result = validateRunwayConfig({
      version: 1,
      targets: { a: { b: { project: 'acme-prod', region: 'europe-west1' } } },
      access: { b: { approver: ['alice'] }, 'Bad Env': {} },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        'access.b.approver[0]: must be a Slack user id (U…), a user group id (S…) or everyone',
        "access.Bad Env: invalid key: must be an environment name or '*'",
      ]),
    );
  });
});

const person = (
  id: string,
  roles: Actor extends infer A ? (A extends { roles: infer R } ? R : never) : never,
  email?: string,
  emails?: string[],
): Actor => ({
  kind: 'user',
  id,
  name: id,
  via: 'slack',
  roles,
  ...(email ? { email } : {}),
  ...(emails ? { emails } : {}),
});

describe('the four-eyes rule', () => {
  const policy = { ...config.targets.find((t) => t.id === 'checkout.production')! };
  const awaiting = () => {
    return driveTo('approval:beforePromotion', { policy });
  };

  it('refuses the author of the commit (by profile email or a mapped one, any case), and lets another approver approve', () => {
    const sim = awaiting();
    const r = { ...sim.active, build: { ...sim.active.build, authorEmail: 'Alice@Users.Noreply.GitHub.com' } };
    const alice = person('U0ALICE', ['viewer', 'approver'], 'alice@acme.example', ['alice@users.noreply.github.com']);
    expect(fourEyesRefusal(alice, r)).toMatch(
      /four-eyes rule in production: Alice@Users\.Noreply\.GitHub\.com wrote commit [0-9a-f]{7} and may not approve its own release/,
    );
    const carol = person('U0CAROL', ['approver'], 'carol@acme.example');
    expect(fourEyesRefusal(carol, r)).toBeNull();
    // Without an author on the build, nobody is its author.
    expect(fourEyesRefusal(alice, sim.active)).toBeNull();
  });

  it('decide() refuses the author, changes nothing, and still lets them reject', () => {
    const sim = awaiting();
    const author = 'dev@acme.example';
    const state = {
      ...sim.state,
      active: sim.state.active && { ...sim.state.active, build: { ...sim.state.active.build, authorEmail: author } },
    };
    const dev = person('U0DEV', ['approver'], author);
    const approve = {
      id: 'c1',
      type: 'command.approve' as const,
      targetId: state.id,
      rolloutId: state.active!.id,
      actor: dev,
      reason: null,
    };
    const refused = decide(state, approve, sim.now, sim.policy);
    expect(refused.outcome.status).toBe('refused');
    expect(refused.outcome.message).toMatch(/four-eyes/);
    expect(refused.state).toBe(state);
    const reject = { ...approve, id: 'c2', type: 'command.reject' as const, reason: 'not ready' };
    expect(decide(state, reject, sim.now, sim.policy).outcome.status).toBe('applied');
  });
});

describe('freezing a target', () => {
  it('queues a new build while frozen and says so; unfreezing starts it; roles are checked', () => {
    const sim = new Sim({ policy: config.targets.find((t) => t.id === 'checkout.production')! });
    const deployer = person('U0DEV', ['deployer']);
    const viewer = person('U0VIC', ['viewer']);
    const approver = person('U0ALICE', ['approver']);
    const tooWeak = decide(
      sim.state,
      { id: 'f0', type: 'target.freeze', targetId: sim.state.id, actor: viewer, reason: 'x' },
      sim.now,
      sim.policy,
    );
    expect(tooWeak.outcome).toEqual({
      status: 'refused',
      message: expect.stringMatching(/may not freeze production: needs one of deployer, approver, admin/),
    });
    const frozen = decide(
      sim.state,
      { id: 'f1', type: 'target.freeze', targetId: sim.state.id, actor: deployer, reason: 'quarter end' },
      sim.now,
      sim.policy,
    );
    expect(frozen.outcome.status).toBe('applied');
    expect(frozen.state.frozen).toMatchObject({ reason: 'quarter end', actor: deployer });

    const build = decide(frozen.state, buildSucceeded(buildInfo('b9'), TARGET_ID), sim.now + 1, sim.policy);
    expect(build.outcome.message).toMatch(/queued: production is frozen \(quarter end\)/);
    expect(build.state.active).toBeNull();
    expect(build.state.queue.map((r) => r.phase)).toEqual(['queued']);
    expect(build.effects.some((e) => e.type === 'cloudRun.deployCandidate')).toBe(false);

    const byDeployer = decide(
      build.state,
      { id: 'u0', type: 'target.unfreeze', targetId: sim.state.id, actor: deployer, reason: null },
      sim.now + 2,
      sim.policy,
    );
    expect(byDeployer.outcome.status).toBe('refused');
    const thawed = decide(
      build.state,
      { id: 'u1', type: 'target.unfreeze', targetId: sim.state.id, actor: approver, reason: null },
      sim.now + 2,
      sim.policy,
    );
    expect(thawed.outcome.message).toMatch(/unfrozen by U0ALICE \(slack\); checkout\.production@b9 starts/);
    expect(thawed.state.frozen).toBeNull();
    expect(thawed.state.active?.phase).toBe('deploying');
  });
});
