/**
 * The smoke-check adapter: the production smoke port (adapter.ts), where its identity tokens come from (idTokens.ts) and
 * the error it throws when it cannot get one.
 */
export { createSmokeAdapter, type SmokeAdapterOptions } from './adapter.js';
export { googleIdTokens, IdentityTokenError, type IdTokenSource } from './idTokens.js';
