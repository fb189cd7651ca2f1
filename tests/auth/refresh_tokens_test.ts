import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { refreshTokens, TokenRefreshError } from "../../src/auth/refresh_tokens.ts";
import { ProxyError } from "../../src/errors.ts";

function answering(status: number, body: unknown): { fetch: typeof fetch; seen: Request[] } {
  const seen: Request[] = [];
  return {
    seen,
    fetch: (input, init) => {
      seen.push(new Request(input, init));
      return Promise.resolve(
        new Response(typeof body === "string" ? body : JSON.stringify(body), { status }),
      );
    },
  };
}

const base = { tokenUrl: "http://127.0.0.1:1/oauth/token", clientId: "cid", timeoutMs: 1000 };

Deno.test("refreshTokens() posts the refresh grant as JSON and returns the new tokens", async () => {
  const { fetch, seen } = answering(200, {
    access_token: "new-access",
    refresh_token: "new-refresh",
    id_token: "new-id",
    expires_in: 864000,
  });
  const out = await refreshTokens("old-refresh", { ...base, fetch });
  assertEquals(out, {
    access_token: "new-access",
    id_token: "new-id",
    refresh_token: "new-refresh",
  });
  assertEquals(seen[0].method, "POST");
  assertEquals(seen[0].headers.get("content-type"), "application/json");
  assertEquals(await seen[0].json(), {
    client_id: "cid",
    grant_type: "refresh_token",
    refresh_token: "old-refresh",
    scope: "openid profile email",
  });
});

Deno.test("refreshTokens() reads the error code in the nested and the OAuth string shape", async () => {
  for (
    const [body, code] of [
      [{ error: { code: "refresh_token_reused", message: "used" } }, "refresh_token_reused"],
      [{ error: "invalid_grant", error_description: "bad" }, "invalid_grant"],
      [{ error: { code: "refresh_token_expired" } }, "refresh_token_expired"],
      [{ error: { code: null, type: "invalid_grant" } }, "invalid_grant"],
      [{ code: "refresh_token_invalidated" }, "refresh_token_invalidated"],
      // Shapes the endpoint never sends: no code read from them.
      [{ error: 7, code: "invalid_grant" }, "http_401"],
      [{ error: { code: 1 } }, "http_401"],
      [{ error: "invalid_grant", code: 5 }, "http_401"],
      [["invalid_grant"], "http_401"],
      ["not json", "http_401"],
    ] as const
  ) {
    const err = await assertRejects(() =>
      refreshTokens("rt_secret_value_123", { ...base, ...answering(401, body) })
    );
    assert(err instanceof TokenRefreshError);
    assertEquals(err.code, code);
    assert(!err.message.includes('rt"'));
  }
  const reused = new TokenRefreshError("refresh_token_reused", 401, "x");
  assertEquals(reused.mayBeLostRace, true);
  assertEquals(new TokenRefreshError("refresh_token_expired", 401, "x").mayBeLostRace, false);
});

Deno.test("refreshTokens() maps 5xx, 429, other 4xx, timeouts and bad answers to a 502", async () => {
  for (
    const [status, body] of [
      [503, { error: "down" }],
      [429, { error: { code: "rate_limited" } }],
      [400, { error: "invalid_client" }], // a wrong client_id: a new sign-in would not help
      [200, { token_type: "Bearer" }],
      [200, { access_token: "" }],
      [200, { access_token: "a", id_token: "" }],
      [200, { access_token: "a", refresh_token: null }],
      [200, [{ access_token: "a" }]],
    ] as const
  ) {
    const err = await assertRejects(() =>
      refreshTokens("rt", { ...base, ...answering(status, body) })
    );
    assert(err instanceof ProxyError);
    assertEquals(err.status, 502);
    assertEquals(err.code, "token_refresh_failed");
  }
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
    );
  const err = await assertRejects(() =>
    refreshTokens("rt", { ...base, timeoutMs: 50, fetch: hanging })
  );
  assert(err instanceof ProxyError);
  assert(err.message.includes("timed out"), err.message);
});
