import { assertEquals } from "../support/assert.ts";
import { authPathCandidates, codexHomeDir } from "../../src/auth/discover_auth_path.ts";

Deno.test("authPathCandidates() on POSIX: config > OPENAI_CODEX_PATH > CODEX_HOME > HOME", () => {
  const candidates = authPathCandidates({
    configPath: "/etc/codexgate/auth.json",
    env: { OPENAI_CODEX_PATH: "/srv/codex", CODEX_HOME: "/opt/codex-home", HOME: "/home/ann" },
    platform: "linux",
  });
  assertEquals(candidates, [
    { path: "/etc/codexgate/auth.json", from: "config auth_path" },
    { path: "/srv/codex/auth.json", from: "OPENAI_CODEX_PATH" },
    { path: "/srv/codex", from: "OPENAI_CODEX_PATH" },
    { path: "/opt/codex-home/auth.json", from: "CODEX_HOME" },
    { path: "/home/ann/.codex/auth.json", from: "home directory" },
  ]);
});

Deno.test("authPathCandidates() takes OPENAI_CODEX_PATH naming the file itself", () => {
  assertEquals(
    authPathCandidates({ env: { OPENAI_CODEX_PATH: "/keys/work-auth.json" }, platform: "darwin" }),
    [{ path: "/keys/work-auth.json", from: "OPENAI_CODEX_PATH" }],
  );
});

Deno.test("authPathCandidates() ignores blank variables and works without HOME", () => {
  assertEquals(
    authPathCandidates({ env: { OPENAI_CODEX_PATH: " ", CODEX_HOME: "" }, platform: "linux" }),
    [],
  );
});

Deno.test("authPathCandidates() on Windows uses USERPROFILE and backslashes", () => {
  const candidates = authPathCandidates({
    env: {
      USERPROFILE: "C:\\Users\\Ann",
      HOME: "/c/msys/home/ann",
      CODEX_HOME: "D:\\codex",
      OPENAI_CODEX_PATH: "E:\\Secrets\\codex-auth.JSON",
    },
    platform: "windows",
  });
  assertEquals(candidates, [
    { path: "E:\\Secrets\\codex-auth.JSON", from: "OPENAI_CODEX_PATH" },
    { path: "D:\\codex\\auth.json", from: "CODEX_HOME" },
    { path: "C:\\Users\\Ann\\.codex\\auth.json", from: "home directory" },
  ]);
});

Deno.test("authPathCandidates() on Windows falls back to HOME without USERPROFILE", () => {
  assertEquals(authPathCandidates({ env: { HOME: "C:\\home\\ann" }, platform: "win32" }), [
    { path: "C:\\home\\ann\\.codex\\auth.json", from: "home directory" },
  ]);
});

Deno.test("authPathCandidates() on POSIX ignores USERPROFILE", () => {
  assertEquals(
    authPathCandidates({
      env: { USERPROFILE: "C:\\Users\\Ann", HOME: "/home/ann" },
      platform: "linux",
    }),
    [{ path: "/home/ann/.codex/auth.json", from: "home directory" }],
  );
});

Deno.test("codexHomeDir() prefers CODEX_HOME, else ~/.codex per platform", () => {
  assertEquals(codexHomeDir({ CODEX_HOME: "/x", HOME: "/home/a" }, "linux"), "/x");
  assertEquals(codexHomeDir({ HOME: "/home/a" }, "linux"), "/home/a/.codex");
  assertEquals(codexHomeDir({ USERPROFILE: "C:\\Users\\A" }, "windows"), "C:\\Users\\A\\.codex");
  assertEquals(codexHomeDir({}, "linux"), undefined);
});

Deno.test("authPathCandidates() expands ~ in config auth_path with the platform's home", () => {
  assertEquals(
    authPathCandidates({
      configPath: "~/.codex/auth.json",
      env: { HOME: "/home/ann" },
      platform: "linux",
    })[0],
    { path: "/home/ann/.codex/auth.json", from: "config auth_path" },
  );
  assertEquals(
    authPathCandidates({
      configPath: "~\\work\\auth.json",
      env: { USERPROFILE: "C:\\Users\\Ann" },
      platform: "windows",
    })[0],
    { path: "C:\\Users\\Ann\\work\\auth.json", from: "config auth_path" },
  );
});
