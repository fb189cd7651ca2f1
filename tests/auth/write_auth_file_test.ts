import { join } from "node:path";
import { assertEquals } from "../support/assert.ts";
import { tempPrefix, writeAuthFileAtomic } from "../../src/auth/write_auth_file.ts";
import { applyRefreshedTokens } from "../../src/auth/apply_refreshed_tokens.ts";

Deno.test("applyRefreshedTokens() changes the tokens received and last_refresh, nothing else", () => {
  const raw = {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: { id_token: "id1", access_token: "a1", refresh_token: "r1", account_id: "acc", x: [1] },
    last_refresh: "2026-01-01T00:00:00.000Z",
    agent_identity: { nested: { deep: true } },
  };
  const copy = structuredClone(raw);
  const now = Date.parse("2026-11-25T12:00:00.000Z");
  assertEquals(applyRefreshedTokens(raw, { access_token: "a2", refresh_token: "r2" }, now), {
    auth_mode: "chatgpt",
    OPENAI_API_KEY: null,
    tokens: { id_token: "id1", access_token: "a2", refresh_token: "r2", account_id: "acc", x: [1] },
    last_refresh: "2026-11-25T12:00:00.000Z",
    agent_identity: { nested: { deep: true } },
  });
  assertEquals(raw, copy); // the input is not modified
});

Deno.test("writeAuthFileAtomic() replaces the file with mode 0600 and removes its own leftovers only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "auth.json");
    await Deno.writeTextFile(path, '{"old":true}', { mode: 0o644 });
    const leftover = join(dir, `${tempPrefix(path)}deadbeef.tmp`);
    await Deno.writeTextFile(leftover, '{"torn');
    await Deno.writeTextFile(join(dir, ".auth-ABC123"), "the CLI's temp file");
    await Deno.writeTextFile(join(dir, "auth.lock"), "");
    await writeAuthFileAtomic(path, '{"new":true}\n', { platform: Deno.build.os });
    assertEquals(await Deno.readTextFile(path), '{"new":true}\n');
    if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, [".auth-ABC123", "auth.json", "auth.lock"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
