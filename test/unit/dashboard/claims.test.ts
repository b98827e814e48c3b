/** Role claims (domain/claims.ts): parsing what a token carries, roles per environment, granting and revoking. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeRoleClaims,
  grantRole,
  hasAnyRoleAnywhere,
  MAX_CLAIMS_BYTES,
  readableEnvironments,
  revokeRole,
  roleClaimsOf,
  rolesIn,
  withRoleClaims,
  type RoleClaims,
} from '../../../functions/src/domain/claims.js';

describe('roleClaimsOf', () => {
  it.each([
    ['no claims', undefined, {}],
    ['no runway claim', { admin: true }, {}],
    ['a list, not a map', { runway: ['admin'] }, {}],
    [
      'the usual shape',
      { runway: { '*': ['viewer'], production: ['approver'] } },
      { '*': ['viewer'], production: ['approver'] },
    ],
    ['unknown roles dropped', { runway: { '*': ['viewer', 'root'] } }, { '*': ['viewer'] }],
    [
      'roles in canonical order, once',
      { runway: { prod: ['admin', 'viewer', 'viewer'] } },
      { prod: ['viewer', 'admin'] },
    ],
    ['bad environment keys dropped', { runway: { 'Prod!': ['admin'], '': ['admin'], staging: 'admin' } }, {}],
    ['an environment with no known role dropped', { runway: { prod: ['root'] } }, {}],
  ])('%s', (_name, claims, expected) => {
    expect(roleClaimsOf(claims)).toEqual(expected);
  });
});

describe('roles in an environment', () => {
  const claims: RoleClaims = { '*': ['viewer'], production: ['approver'], staging: ['deployer'] };
  it.each([
    ['production', ['viewer', 'approver']],
    ['staging', ['viewer', 'deployer']],
    ['dev', ['viewer']],
  ])('%s', (environment, expected) => {
    expect(rolesIn(claims, environment)).toEqual(expected);
  });

  it('readable environments: everything with a role under *, else the listed ones', () => {
    expect(readableEnvironments(claims)).toEqual({ all: true });
    expect(readableEnvironments({ staging: ['viewer'], production: ['admin'] })).toEqual({
      all: false,
      environments: ['production', 'staging'],
    });
    expect(readableEnvironments({})).toEqual({ all: false, environments: [] });
    expect(hasAnyRoleAnywhere({})).toBe(false);
  });
});

describe('grant and revoke', () => {
  it('grants per environment and everywhere, revokes back to nothing', () => {
    let claims = grantRole({}, 'approver', 'production');
    claims = grantRole(claims, 'viewer');
    claims = grantRole(claims, 'viewer');
    expect(claims).toEqual({ production: ['approver'], '*': ['viewer'] });
    expect(describeRoleClaims(claims)).toBe('viewer in every environment; approver in production');
    claims = revokeRole(claims, 'approver', 'production');
    expect(claims).toEqual({ '*': ['viewer'] });
    expect(revokeRole(claims, 'viewer')).toEqual({});
    expect(describeRoleClaims({})).toBe('no roles');
  });

  it('refuses an environment that is not one', () => {
    expect(() => grantRole({}, 'viewer', 'Prod')).toThrow(/not an environment: "Prod"/);
  });

  it("keeps the user's other claims, drops the key with no role left, and refuses more than Firebase takes", () => {
    expect(withRoleClaims({ team: 'sre', runway: { '*': ['admin'] } }, { prod: ['viewer'] })).toEqual({
      team: 'sre',
      runway: { prod: ['viewer'] },
    });
    expect(withRoleClaims({ team: 'sre', runway: { '*': ['admin'] } }, {})).toEqual({ team: 'sre' });
    const big = { note: 'x'.repeat(MAX_CLAIMS_BYTES) };
    expect(() => withRoleClaims(big, { '*': ['viewer'] })).toThrow(/over Firebase's limit of 1000/);
  });
});

describe("the local stack's test users", () => {
  const users = JSON.parse(readFileSync(new URL('../../../hosting/test-users.json', import.meta.url), 'utf8')) as {
    uid: string;
    email: string;
    googleId: string;
    roles: unknown;
  }[];

  it('have valid role claims, distinct ids, and cover an admin, an approver and a viewer', () => {
    for (const u of users) expect(roleClaimsOf({ runway: u.roles })).toEqual(u.roles);
    expect(new Set(users.map((u) => u.uid)).size).toBe(users.length);
    expect(new Set(users.map((u) => u.googleId)).size).toBe(users.length);
    const all = users.flatMap((u) => Object.values(roleClaimsOf({ runway: u.roles })).flat());
    expect(all).toEqual(expect.arrayContaining(['admin', 'approver', 'viewer']));
  });
});
