import { describe, expect, it } from 'vitest';
import { clearFirestore, requireEmulators, uniqueProjectId } from '../support/emulators.js';

const hosts = requireEmulators();

/** A document of `projectId` through the emulator's REST API; `Bearer owner` acts as an admin (bypasses rules). */
function documentUrl(projectId: string, path: string): string {
  return `http://${hosts.firestore}/v1/projects/${projectId}/databases/(default)/documents/${path}`;
}
const asOwner = { authorization: 'Bearer owner', 'content-type': 'application/json' };

async function writeDocument(projectId: string, path: string, value: string): Promise<void> {
  const body = JSON.stringify({ fields: { value: { stringValue: value } } });
  const response = await fetch(documentUrl(projectId, path), { method: 'PATCH', headers: asOwner, body });
  expect(response.status).toBe(200);
}

async function readStatus(projectId: string, path: string): Promise<number> {
  const response = await fetch(documentUrl(projectId, path), { headers: asOwner });
  await response.arrayBuffer();
  return response.status;
}

describe('requireEmulators', () => {
  it('returns the addresses npm test exported', () => {
    expect(hosts).toEqual({
      firestore: process.env.FIRESTORE_EMULATOR_HOST,
      pubsub: process.env.PUBSUB_EMULATOR_HOST,
    });
  });

  it('explains how to start the emulators when they are not running', () => {
    expect(() => requireEmulators({ PUBSUB_EMULATOR_HOST: '127.0.0.1:1' })).toThrow(
      /FIRESTORE_EMULATOR_HOST unset\): start them with `npm test`/,
    );
    expect(() => requireEmulators({})).toThrow(/FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST unset/);
  });
});

describe('uniqueProjectId', () => {
  it('makes distinct, valid demo project ids', () => {
    const ids = Array.from({ length: 50 }, () => uniqueProjectId('Engine: duplicate events!'));
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^demo-engine-duplicate-[0-9a-f]{8}$/);
    expect(uniqueProjectId('***')).toMatch(/^demo-test-[0-9a-f]{8}$/);
  });
});

describe('the Firestore emulator', () => {
  it('keeps projects apart, and clearFirestore empties only the project it is given', async () => {
    const mine = uniqueProjectId('support mine');
    const other = uniqueProjectId('support other');
    await writeDocument(mine, 'things/one', 'mine');
    await writeDocument(other, 'things/two', 'other');

    expect(await readStatus(mine, 'things/one')).toBe(200);
    expect(await readStatus(other, 'things/one')).toBe(404);

    await clearFirestore(mine);
    expect(await readStatus(mine, 'things/one')).toBe(404);
    expect(await readStatus(other, 'things/two')).toBe(200);
    await clearFirestore(other);
  });
});

describe("the Firestore emulator's rules (firestore.rules)", () => {
  it('refuse client reads and writes; only the Admin SDK (owner) gets through', async () => {
    const project = uniqueProjectId('support rules');
    await writeDocument(project, 'rollouts/r1', 'written by the engine');
    const url = documentUrl(project, 'rollouts/r1');

    const read = await fetch(url);
    await read.arrayBuffer();
    expect(read.status).toBe(403);

    const body = JSON.stringify({ fields: { value: { stringValue: 'written by a client' } } });
    const write = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
    await write.arrayBuffer();
    expect(write.status).toBe(403);
    await clearFirestore(project);
  });
});

describe('the Pub/Sub emulator', () => {
  it('creates and lists a topic', async () => {
    const project = uniqueProjectId('support pubsub');
    const topic = `projects/${project}/topics/cloud-builds`;
    const created = await fetch(`http://${hosts.pubsub}/v1/${topic}`, { method: 'PUT' });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ name: topic });

    const listed = await fetch(`http://${hosts.pubsub}/v1/projects/${project}/topics`);
    expect(await listed.json()).toEqual({ topics: [expect.objectContaining({ name: topic })] });
  });
});
