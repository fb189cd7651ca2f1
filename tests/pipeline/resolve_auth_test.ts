import { assertEquals, assertRejects } from "../support/assert.ts";
import type { CredentialService } from "../../src/auth/credential_service.ts";
import { ProxyError } from "../../src/errors.ts";
import { resolveAuth } from "../../src/pipeline/resolve_auth.ts";
import { IN_PROCESS_CREDENTIALS, staticCredentials } from "../support/in_process.ts";
import { testBackend } from "./stage_fixtures.ts";

Deno.test("resolveAuth() asks the credential service for the backend's credentials", async () => {
  const asked: [string, AbortSignal | undefined][] = [];
  const service: CredentialService = {
    ...staticCredentials(),
    get: (backend, signal) => {
      asked.push([backend, signal]);
      return Promise.resolve(IN_PROCESS_CREDENTIALS);
    },
  };
  const backend = testBackend();
  const signal = new AbortController().signal;
  const auth = await resolveAuth(backend, { credentials: service, signal });
  assertEquals(auth, { backend, credentials: IN_PROCESS_CREDENTIALS });
  assertEquals(asked, [["openai_codex", signal]]);
});

Deno.test("resolveAuth() passes the service's sign-in error on", async () => {
  const service: CredentialService = {
    ...staticCredentials(),
    get: () => Promise.reject(new ProxyError(401, "No auth.json found", { code: "no_auth" })),
  };
  const error = await assertRejects(() =>
    resolveAuth(testBackend(), { credentials: service })
  ) as ProxyError;
  assertEquals([error.status, error.code], [401, "no_auth"]);
});
