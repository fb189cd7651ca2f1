/**
 * The fake issuer refuses what the real one refuses, so a login test whose
 * fake saw no refusal proves codexgate sent what the real issuer accepts.
 * Also: the PKCE pair and the authorize URL codexgate builds.
 */
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { startFakeIssuer } from "../support/fake_issuer.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import { authorizeUrl, callbackRedirectUri } from "../../src/login/authorize_url.ts";
import { createPkce, createState, pkceChallenge } from "../../src/login/pkce.ts";
import { exchangeCode } from "../../src/login/exchange_code.ts";
import { DEFAULT_CLIENT_ID } from "../../src/config/schema.ts";
import { LoginError } from "../../src/login/login_error.ts";

Deno.test("pkce: S256 challenge of the RFC 7636 example; fresh verifiers and states", async () => {
  // RFC 7636, appendix B.
  assertEquals(
    await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
  const [a, b] = [await createPkce(), await createPkce()];
  assertMatch(a.verifier, /^[\w-]{86}$/);
  assert(a.verifier !== b.verifier);
  assertEquals(await pkceChallenge(a.verifier), a.challenge);
  assertMatch(createState(), /^[\w-]{43}$/);
  assert(createState() !== createState());
});

async function signInCode(issuerUrl: string, port: number) {
  const pkce = await createPkce();
  const state = createState();
  const url = authorizeUrl({
    issuer: issuerUrl,
    clientId: DEFAULT_CLIENT_ID,
    redirectUri: callbackRedirectUri(port),
    codeChallenge: pkce.challenge,
    state,
  });
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  const location = new URL(res.headers.get("location") ?? "http://invalid/");
  return { res, location, pkce, code: location.searchParams.get("code")!, state };
}

const call = () => ({ fetch, signal: new AbortController().signal, timeoutMs: 10_000 });

Deno.test("fake issuer: accepts codexgate's authorize request and redirects with code and state", async () => {
  await using issuer = await startFakeIssuer({ redirectPorts: [1455, 1457] });
  const { res, location, state } = await signInCode(issuer.url, 1455);
  assertEquals(res.status, 302);
  assertEquals(`${location.origin}${location.pathname}`, "http://localhost:1455/auth/callback");
  assertEquals(location.searchParams.get("state"), state);
  assertEquals(issuer.refusals, []);
});

Deno.test("fake issuer: refuses an unregistered redirect port without redirecting", async () => {
  await using issuer = await startFakeIssuer({ redirectPorts: [1455, 1457] });
  const { res } = await signInCode(issuer.url, 1456);
  assertEquals(res.status, 400);
  assertEquals(issuer.refusals, [
    "invalid_request: redirect_uri http://localhost:1456/auth/callback is not registered",
  ]);
});

Deno.test("fake issuer: a code is single-use, bound to its verifier, redirect URI and client", async () => {
  await using issuer = await startFakeIssuer({ redirectPorts: [1455] });
  const refusedWith = async (inputs: Parameters<typeof exchangeCode>[0]) => {
    try {
      await exchangeCode(inputs, call());
    } catch (err) {
      assert(err instanceof LoginError);
      return err.message;
    }
    throw new Error("the exchange was accepted");
  };
  const base = { issuer: issuer.url, clientId: DEFAULT_CLIENT_ID };
  const wrongVerifier = await signInCode(issuer.url, 1455);
  assertMatch(
    await refusedWith({
      ...base,
      code: wrongVerifier.code,
      redirectUri: callbackRedirectUri(1455),
      codeVerifier: (await createPkce()).verifier,
    }),
    /invalid_grant: code_verifier does not match the code_challenge/,
  );
  const wrongRedirect = await signInCode(issuer.url, 1455);
  assertMatch(
    await refusedWith({
      ...base,
      code: wrongRedirect.code,
      redirectUri: "http://127.0.0.1:1455/auth/callback",
      codeVerifier: wrongRedirect.pkce.verifier,
    }),
    /redirect_uri differs/,
  );
  const good = await signInCode(issuer.url, 1455);
  const inputs = {
    ...base,
    code: good.code,
    redirectUri: callbackRedirectUri(1455),
    codeVerifier: good.pkce.verifier,
  };
  const tokens = await exchangeCode(inputs, call());
  rememberSecrets(...issuer.issued);
  assertEquals(tokens.access_token, issuer.issued[0].access_token);
  assertMatch(await refusedWith(inputs), /invalid_grant: authorization code already used/);
  assertEquals(issuer.refusals.length, 3);
});
