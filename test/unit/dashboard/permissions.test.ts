/**
 * The dashboard's permission table (domain/permissions.ts) gives the same answers as the domain's commands: for every
 * action and every role, decide() refuses "may not" exactly when mayTake() says no. The callable chooses its error
 * from the table, and the dashboard its buttons; the engine decides.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../functions/src/domain/config/schema.js';
import { decide } from '../../../functions/src/domain/decide.js';
import type { RunwayEvent } from '../../../functions/src/domain/events.js';
import {
  DASHBOARD_ACTIONS,
  isDestructive,
  mayTake,
  rolesFor,
  type DashboardAction,
} from '../../../functions/src/domain/permissions.js';
import { canaryPolicy, command, driveTo, TARGET_ID, user, type Stage } from '../../support/domain-fixtures.js';

const ROLE_SETS: readonly (readonly Role[])[] = [
  [],
  ['viewer'],
  ['deployer'],
  ['approver'],
  ['admin'],
  ['viewer', 'deployer'],
];

/** Where each action makes sense, so that only the role can refuse it. */
const STAGE: Readonly<Record<DashboardAction, Stage>> = {
  approve: 'approval:beforePromotion',
  reject: 'approval:beforePromotion',
  pause: 'progressing:baking',
  resume: 'progressing:baking', // paused first, below
  promote: 'progressing:baking',
  rollback: 'progressing:baking',
  abort: 'progressing:baking',
  rollbackTarget: 'progressing:baking',
  freeze: 'progressing:baking',
  unfreeze: 'progressing:baking',
};

function outcomeOf(action: DashboardAction, roles: readonly Role[], approvalRoles: readonly Role[]) {
  const policy = canaryPolicy({ approval: { required: true, stage: 'beforePromotion', roles: [...approvalRoles] } });
  const sim = driveTo(STAGE[action], { policy });
  const id = sim.active.id;
  const admin = user('ops', ['admin']);
  if (action === 'resume') sim.send(command('pause', id, admin, null));
  if (action === 'unfreeze')
    sim.send({ type: 'target.freeze', id: 'f-0', targetId: TARGET_ID, actor: admin, reason: 'x' });
  const actor = user('person', roles, 'dashboard');
  const event: RunwayEvent =
    action === 'rollbackTarget'
      ? { type: 'target.rollback', id: 'e-1', targetId: TARGET_ID, actor, reason: 'because', toRevision: null }
      : action === 'freeze'
        ? { type: 'target.freeze', id: 'e-1', targetId: TARGET_ID, actor, reason: 'because' }
        : action === 'unfreeze'
          ? { type: 'target.unfreeze', id: 'e-1', targetId: TARGET_ID, actor, reason: 'because' }
          : command(action, id, actor, 'because');
  return decide(sim.state, event, sim.now + 1000, policy).outcome;
}

describe('permissions', () => {
  for (const action of DASHBOARD_ACTIONS) {
    for (const approvalRoles of [['approver'], ['deployer', 'approver']] as const) {
      for (const roles of ROLE_SETS) {
        it(`${action} by [${roles.join(', ')}] (approvers: ${approvalRoles.join(', ')})`, () => {
          const outcome = outcomeOf(action, roles, approvalRoles);
          const refusedForRole = outcome.status === 'refused' && outcome.message.includes('may not');
          expect(refusedForRole, outcome.message).toBe(!mayTake(roles, action, approvalRoles));
          if (mayTake(roles, action, approvalRoles)) expect(outcome.status, outcome.message).toBe('applied');
        });
      }
    }
  }

  it('names the roles each action needs, and which need a reason', () => {
    expect(rolesFor('approve', ['approver'])).toEqual(['approver']);
    expect(rolesFor('rollback', ['approver'])).toEqual(['deployer', 'approver']);
    expect(DASHBOARD_ACTIONS.filter(isDestructive)).toEqual([
      'reject',
      'rollback',
      'abort',
      'rollbackTarget',
      'freeze',
    ]);
    expect(rolesFor('freeze', ['approver'])).toEqual(['deployer', 'approver']);
    expect(rolesFor('unfreeze', ['deployer'])).toEqual(['approver']);
  });
});
