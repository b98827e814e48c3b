/**
 * Application Default Credentials for Google's API clients, resolved before a client is built.
 *
 * A google-gax client left to find credentials itself starts looking when it is constructed, and when there are none
 * (a misconfigured project, a laptop without `gcloud auth application-default login`) the search's rejection is handed to
 * one promise per API method, most of which nobody awaits: Node reports unhandled rejections, which end a Cloud
 * Functions instance. It also caches the failure, so the client never recovers. Resolving the credentials here first
 * turns their absence into an ordinary error of the call that needed them, which the effect runner retries, and a later
 * call tries again.
 */
import { GoogleAuth } from 'google-auth-library';

/** The scope Cloud Run's and Cloud Monitoring's APIs accept. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** No credentials were found, or they could not be loaded. */
export class CredentialsError extends Error {
  constructor(api: string, cause: unknown) {
    super(
      `no Google credentials for the ${api} API: ${cause instanceof Error ? cause.message : String(cause)} ` +
        "(in Cloud Functions this is the function's service account; elsewhere set GOOGLE_APPLICATION_CREDENTIALS)",
      { cause },
    );
    this.name = 'CredentialsError';
  }
}

/** A GoogleAuth whose client has been loaded; throws {@link CredentialsError} when there are no credentials. */
export async function loadedGoogleAuth(api: string): Promise<GoogleAuth> {
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
  try {
    await auth.getClient();
  } catch (error) {
    throw new CredentialsError(api, error);
  }
  return auth;
}
