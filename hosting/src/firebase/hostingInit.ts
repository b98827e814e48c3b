/**
 * Where the dashboard's Firebase lives, from Firebase Hosting's reserved URL `/__/firebase/init.js`. In production it
 * holds the project's web configuration; on the Hosting emulator, with `?useEmulator=true`, it also connects the
 * SDKs to the running emulators (Auth, Firestore, Functions) — so the page needs no configuration file of its own and
 * finds the emulators on whatever ports `npm start` gave them.
 *
 * The script is written for the namespaced SDK: it calls `firebase.initializeApp(config)` and then, on the emulator,
 * `firebase.firestore().useEmulator(host, port)` and the like. A stand-in `firebase` object records those calls, and
 * the modular SDK is set up from what they said (firebase/app.ts).
 */

/** A Firebase web app configuration, as `/__/firebase/init.js` gives it. */
export interface WebConfig {
  readonly apiKey: string;
  readonly projectId: string;
  readonly authDomain?: string;
  readonly appId?: string;
  readonly [key: string]: unknown;
}

/** An emulator's address. */
export interface EmulatorAddress {
  readonly host: string;
  readonly port: number;
}

/** What the reserved URL said. */
export interface HostingInit {
  readonly config: WebConfig;
  /** Set on the Hosting emulator: where each emulator listens. */
  readonly emulators: {
    readonly auth?: EmulatorAddress;
    readonly firestore?: EmulatorAddress;
    readonly functions?: EmulatorAddress;
  };
}

const INIT_SCRIPT = '/__/firebase/init.js?useEmulator=true';

/** Loads the reserved script with a recording stand-in for the namespaced SDK. */
export function loadHostingInit(): Promise<HostingInit> {
  return new Promise((resolve, reject) => {
    let config: WebConfig | null = null;
    const emulators: { -readonly [K in keyof HostingInit['emulators']]: EmulatorAddress } = {};
    const recorder = (name: 'firestore' | 'functions') => () => ({
      useEmulator: (host: string, port: number) => (emulators[name] = { host, port }),
    });
    const standIn = {
      initializeApp: (value: WebConfig) => (config = value),
      firestore: recorder('firestore'),
      functions: recorder('functions'),
      auth: () => ({
        useEmulator: (url: string) => {
          const parsed = new URL(url);
          emulators.auth = { host: parsed.hostname, port: Number(parsed.port) };
        },
      }),
    };
    const global = window as unknown as { firebase?: unknown };
    global.firebase = standIn;
    const script = document.createElement('script');
    script.src = INIT_SCRIPT;
    const done = () => {
      delete global.firebase;
      script.remove();
    };
    script.onload = () => {
      done();
      if (config === null) reject(new Error(`${INIT_SCRIPT} gave no Firebase configuration`));
      else resolve({ config, emulators });
    };
    script.onerror = () => {
      done();
      reject(new Error(`could not load ${INIT_SCRIPT}: is the page served by Firebase Hosting (or its emulator)?`));
    };
    document.head.append(script);
  });
}
