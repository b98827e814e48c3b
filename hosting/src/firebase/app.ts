/**
 * The dashboard's Firebase services, set up once from Firebase Hosting's reserved configuration (hostingInit.ts):
 * Auth, Firestore (read-only for clients, firestore.rules) and the callable `rolloutAction`.
 */
import { initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, type Auth } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, type Functions } from 'firebase/functions';
import { loadHostingInit } from './hostingInit.js';

/** The services, and whether they are the local emulators. */
export interface Services {
  readonly app: FirebaseApp;
  readonly auth: Auth;
  readonly db: Firestore;
  readonly functions: Functions;
  readonly projectId: string;
  /** True on the local stack: the Auth emulator offers the one-click test users. */
  readonly emulated: boolean;
}

let services: Promise<Services> | undefined;

/** The services, set up on first use. */
export function firebaseServices(): Promise<Services> {
  services ??= setUp();
  return services;
}

async function setUp(): Promise<Services> {
  const { config, emulators } = await loadHostingInit();
  const app = initializeApp(config);
  const auth = getAuth(app);
  const db = getFirestore(app);
  const functions = getFunctions(app);
  if (emulators.auth) {
    connectAuthEmulator(auth, `http://${emulators.auth.host}:${emulators.auth.port}`, { disableWarnings: true });
  }
  if (emulators.firestore) connectFirestoreEmulator(db, emulators.firestore.host, emulators.firestore.port);
  if (emulators.functions) connectFunctionsEmulator(functions, emulators.functions.host, emulators.functions.port);
  return { app, auth, db, functions, projectId: config.projectId, emulated: emulators.auth !== undefined };
}
