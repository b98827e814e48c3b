/**
 * firestore.rules against the Firestore emulator (@firebase/rules-unit-testing): who may read what, per collection, and
 * that no client may write anything. Roles are the custom claim `runway` (functions/src/domain/claims.ts).
 */
import { readFileSync } from 'node:fs';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  orderBy,
  query,
  setDoc,
  updateDoc,
  where,
  type Firestore,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireEmulators, uniqueProjectId } from '../../support/emulators.js';

let env: RulesTestEnvironment;

/** assertSucceeds and assertFails, for test bodies (which must resolve to nothing). */
const succeeds = async (op: Promise<unknown>): Promise<void> => void (await assertSucceeds(op));
const fails = async (op: Promise<unknown>): Promise<void> => void (await assertFails(op));

const PROD = 'checkout.production';
const STAGING = 'checkout.staging';

/** People by what they hold. */
const PEOPLE = {
  adminEverywhere: { runway: { '*': ['admin'] } },
  viewerEverywhere: { runway: { '*': ['viewer'] } },
  approverInProduction: { runway: { production: ['approver'] } },
  adminInProduction: { runway: { production: ['admin'] } },
  noRole: {},
  unknownRole: { runway: { '*': ['root'] } },
  notAMap: { runway: ['admin'] },
} as const;
type Person = keyof typeof PEOPLE | 'anonymous';

function db(person: Person): Firestore {
  return (person === 'anonymous'
    ? env.unauthenticatedContext()
    : env.authenticatedContext(person, PEOPLE[person])
  ).firestore() as unknown as Firestore;
}

beforeAll(async () => {
  const [host, port] = requireEmulators().firestore.split(':');
  env = await initializeTestEnvironment({
    projectId: uniqueProjectId('rules'),
    firestore: {
      host,
      port: Number(port),
      rules: readFileSync(new URL('../../../firestore.rules', import.meta.url), 'utf8'),
    },
  });
  await env.withSecurityRulesDisabled(async (context) => {
    const admin = context.firestore();
    for (const [id, environment] of [
      [PROD, 'production'],
      [STAGING, 'staging'],
    ] as const) {
      await setDoc(doc(admin, 'targets', id), { id, environment, version: 1 });
      await setDoc(doc(admin, 'targets', id, 'log', 'e1'), { eventId: 'e1', rolloutId: `${id}@b1`, at: 1 });
      await setDoc(doc(admin, 'rollouts', `${id}@b1`), {
        id: `${id}@b1`,
        targetId: id,
        environment,
        createdAt: 1,
        finishedAt: 2,
      });
      await setDoc(doc(admin, 'effects', `${id}:1:0`), { id: `${id}:1:0`, targetId: id });
      await setDoc(doc(admin, 'timers', `${id}:1:1`), { timerId: `${id}:1:1`, targetId: id });
    }
    await setDoc(doc(admin, 'elsewhere', 'x'), { secret: true });
  });
});

afterAll(async () => {
  await env?.cleanup();
});

const READERS_OF_PRODUCTION: Person[] = [
  'adminEverywhere',
  'viewerEverywhere',
  'approverInProduction',
  'adminInProduction',
];
const NOBODY: Person[] = ['noRole', 'unknownRole', 'notAMap', 'anonymous'];

describe('targets', () => {
  it.each(READERS_OF_PRODUCTION)('%s reads a production target', (p) => succeeds(getDoc(doc(db(p), 'targets', PROD))));
  it.each(['approverInProduction', 'adminInProduction', ...NOBODY] as Person[])(
    '%s may not read a staging target',
    (p) => fails(getDoc(doc(db(p), 'targets', STAGING))),
  );
  it.each(['adminEverywhere', 'viewerEverywhere'] as Person[])('%s lists every target', (p) =>
    succeeds(getDocs(collection(db(p), 'targets'))),
  );
  it('someone with a role in one environment lists only by that environment', async () => {
    const d = db('approverInProduction');
    await assertSucceeds(getDocs(query(collection(d, 'targets'), where('environment', '==', 'production'))));
    await assertSucceeds(getDocs(query(collection(d, 'targets'), where('environment', 'in', ['production']))));
    await assertFails(getDocs(collection(d, 'targets')));
    await assertFails(getDocs(query(collection(d, 'targets'), where('environment', 'in', ['production', 'staging']))));
  });
  it.each(NOBODY)('%s lists nothing', (p) =>
    fails(getDocs(query(collection(db(p), 'targets'), where('environment', '==', 'production')))),
  );
});

describe('audit logs', () => {
  it.each(READERS_OF_PRODUCTION)("%s reads a production target's log", async (p) => {
    await assertSucceeds(getDoc(doc(db(p), 'targets', PROD, 'log', 'e1')));
    await assertSucceeds(
      getDocs(query(collection(db(p), 'targets', PROD, 'log'), where('rolloutId', '==', `${PROD}@b1`))),
    );
  });
  it.each(['approverInProduction', ...NOBODY] as Person[])("%s may not read a staging target's log", async (p) => {
    await assertFails(getDoc(doc(db(p), 'targets', STAGING, 'log', 'e1')));
    await assertFails(getDocs(collection(db(p), 'targets', STAGING, 'log')));
  });
});

describe('rollouts', () => {
  it.each(READERS_OF_PRODUCTION)('%s reads a production rollout and its target history', async (p) => {
    await assertSucceeds(getDoc(doc(db(p), 'rollouts', `${PROD}@b1`)));
    await assertSucceeds(
      getDocs(
        query(
          collection(db(p), 'rollouts'),
          where('environment', '==', 'production'),
          where('targetId', '==', PROD),
          orderBy('createdAt', 'desc'),
        ),
      ),
    );
  });
  it.each(['approverInProduction', ...NOBODY] as Person[])('%s may not read a staging rollout', (p) =>
    fails(getDoc(doc(db(p), 'rollouts', `${STAGING}@b1`))),
  );
  it('a query must select by environment unless the role is everywhere', async () => {
    await assertSucceeds(getDocs(collection(db('viewerEverywhere'), 'rollouts')));
    await assertFails(getDocs(collection(db('approverInProduction'), 'rollouts')));
    await assertFails(
      getDocs(query(collection(db('approverInProduction'), 'rollouts'), where('targetId', '==', PROD))),
    );
    await assertSucceeds(
      getDocs(
        query(
          collection(db('approverInProduction'), 'rollouts'),
          where('environment', '==', 'production'),
          where('finishedAt', '>=', 0),
        ),
      ),
    );
  });
});

describe("Runway's internals: effects and timers", () => {
  it.each(['effects', 'timers'])('only an admin of every environment reads %s', async (name) => {
    const id = name === 'effects' ? `${PROD}:1:0` : `${PROD}:1:1`;
    await assertSucceeds(getDoc(doc(db('adminEverywhere'), name, id)));
    await assertSucceeds(getDocs(collection(db('adminEverywhere'), name)));
    for (const p of ['viewerEverywhere', 'adminInProduction', ...NOBODY] as Person[]) {
      await assertFails(getDoc(doc(db(p), name, id)));
    }
  });
});

describe('anything else', () => {
  it('is read by nobody', async () => {
    for (const p of ['adminEverywhere', ...NOBODY] as Person[]) await assertFails(getDoc(doc(db(p), 'elsewhere', 'x')));
  });
});

describe('writes', () => {
  const ALL: Person[] = ['adminEverywhere', 'adminInProduction', 'viewerEverywhere', ...NOBODY];
  it.each(ALL)('%s writes nothing, anywhere', async (p) => {
    const d = db(p);
    await assertFails(setDoc(doc(d, 'targets', PROD), { id: PROD, environment: 'production', version: 99 }));
    await assertFails(updateDoc(doc(d, 'targets', PROD), { version: 99 }));
    await assertFails(deleteDoc(doc(d, 'targets', PROD)));
    await assertFails(setDoc(doc(d, 'targets', PROD, 'log', 'forged'), { eventId: 'forged' }));
    await assertFails(setDoc(doc(d, 'rollouts', `${PROD}@b2`), { environment: 'production' }));
    await assertFails(setDoc(doc(d, 'effects', 'forged'), { type: 'cloudRun.setTraffic' }));
    await assertFails(setDoc(doc(d, 'timers', 'forged'), { dueAt: 0 }));
    await assertFails(setDoc(doc(d, 'elsewhere', 'y'), { a: 1 }));
  });
});
