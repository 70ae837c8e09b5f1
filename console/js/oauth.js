/**
 * Sign-in with the authorization-code flow and PKCE (RFC 7636, S256) at the cell's
 * identity provider, using oauth4webapi. The code verifier, state and nonce live in
 * sessionStorage for the round trip only; the code leaves the address bar before it is exchanged.
 */
import * as oauth from './vendor/oauth4webapi.js';

const PENDING = 'visitbridge.him.sign-in';
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** The console's own address, where the identity provider sends the browser back. */
export const redirectUri = () => new URL('./', location.href).href;

const server = (signIn) => ({
  issuer: signIn.issuer,
  authorization_endpoint: signIn.authorizationEndpoint,
  token_endpoint: signIn.tokenEndpoint,
  id_token_signing_alg_values_supported: [signIn.idTokenSigningAlg],
});

/** Plain HTTP is accepted for the local development provider on this machine only. */
function insecureAllowed(signIn) {
  const url = new URL(signIn.tokenEndpoint);
  return url.protocol === 'http:' && LOOPBACK.includes(url.hostname);
}

/** Sends the browser to the identity provider's sign-in page. */
export async function beginSignIn(signIn) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(signIn.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: signIn.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: signIn.scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    // A shared workstation: every console sign-in asks who is there.
    prompt: 'login',
  }).toString();
  location.assign(url.href);
}

/** Whether this page load is the identity provider sending the browser back. */
export function isSignInReturn() {
  const params = new URL(location.href).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
}

/**
 * Finishes a sign-in the browser has come back from: checks state, exchanges the
 * code with its verifier, checks the ID token's issuer, audience and nonce.
 * @returns {Promise<string>} the access token
 * @throws {Error} saying why the sign-in failed
 */
export async function completeSignIn(signIn) {
  const returned = new URL(location.href);
  history.replaceState(null, '', redirectUri());
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new Error('this sign-in was not started from this tab; sign in again');
  const as = server(signIn);
  const client = { client_id: signIn.clientId };
  try {
    const params = oauth.validateAuthResponse(as, client, returned, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri(),
      pending.verifier,
      { [oauth.allowInsecureRequests]: insecureAllowed(signIn) },
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    return result.access_token;
  } catch (error) {
    const reason = error.error_description ?? error.error ?? error.message;
    throw new Error(`the identity provider's answer was refused (${reason})`);
  }
}
