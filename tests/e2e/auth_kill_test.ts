/**
 * A process killed (SIGKILL) at random instants while it refreshes never
 * leaves a torn auth.json: always the old or the new token set, mode 0600,
 * unknown fields intact; the OS releases its lock.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";
import { startFakeCodex } from "../support/fake_codex.ts";
import { authJson, makeTokenSet, type TokenSet } from "../support/tokens.ts";
import { rememberSecrets } from "../support/secret_check.ts";
import { DENO_JSON } from "../support/run_main.ts";
import { parseAuthFile } from "../../src/auth/auth_file.ts";

const LOOP = fileURLToPath(new URL("../support/refresh_loop.ts", import.meta.url));
const KILLS = 50;

function sameSet(a: TokenSet, b: TokenSet): boolean {
  return a.access_token === b.access_token && a.id_token === b.id_token &&
    a.refresh_token === b.refresh_token;
}

/** Waits for the first "refreshed" line: the kill then lands amid the refresh loop. */
async function firstLine(
  process: Deno.ChildProcess,
): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = process.stdout.getReader();
  const { done } = await reader.read();
  assert(!done, "refresh loop exited before refreshing");
  return reader;
}

Deno.test({
  name:
    "e2e auth: SIGKILL at random moments during refresh (50 kills) → auth.json always whole, old or new set",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using fake = await startFakeCodex();
    const dir = await Deno.makeTempDir({ prefix: "codexgate-kill-" });
    const authPath = join(dir, "auth.json");
    try {
      const initial = makeTokenSet();
      rememberSecrets(initial);
      fake.accept(initial);
      await Deno.writeTextFile(
        authPath,
        authJson(initial, { keep_me: { nested: [1, 2, 3] }, agent_identity: "kept" }),
        { mode: 0o600 },
      );
      let onDisk = initial;
      let kills = 0;
      let changed = 0;
      let killedMidRefresh = 0; // the endpoint answered, the write had not landed yet
      let tempLeft = 0; // killed between creating the temp file and the rename
      const started = performance.now();
      for (; kills < KILLS; kills++) {
        const issuedBefore = fake.issued.length;
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "--config", DENO_JSON, "-A", LOOP, authPath, fake.tokenUrl],
          stdin: "null",
          stdout: "piped",
          stderr: "null",
        }).spawn();
        const reader = await firstLine(child);
        await new Promise((r) => setTimeout(r, Math.random() * 25));
        child.kill("SIGKILL");
        const status = await child.status;
        await reader.cancel().catch(() => {});
        assertEquals(status.signal, "SIGKILL");

        const text = await Deno.readTextFile(authPath);
        const file = parseAuthFile(text, authPath); // throws on a torn or invalid file
        const raw = JSON.parse(text);
        assertEquals(raw.keep_me, { nested: [1, 2, 3] });
        assertEquals(raw.agent_identity, "kept");
        assertEquals(raw.auth_mode, "chatgpt");
        assertEquals((await Deno.stat(authPath)).mode! & 0o777, 0o600);
        const disk = file.tokens as TokenSet;
        const fresh = fake.issued.slice(issuedBefore);
        rememberSecrets(...fresh);
        const isOld = sameSet(disk, onDisk);
        assert(
          isOld || fresh.some((set) => sameSet(disk, set)),
          `kill ${kills}: auth.json holds a token set that is neither the old one nor one issued since`,
        );
        if (!isOld) changed++;
        if (fresh.length > 0 && !sameSet(disk, fresh[fresh.length - 1])) killedMidRefresh++;
        onDisk = disk;
        // A killed process may have spent the refresh token without writing: re-arm it,
        // as a fresh `codex login` would, so that the next round can refresh again.
        fake.accept(disk);
        const temps = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp"));
        assert(temps.length <= 1, `kill ${kills}: ${temps.length} temp files left`);
        tempLeft += temps.length;
      }
      assertEquals(kills, KILLS);
      assert(changed > 0, "no refresh ever completed");
      const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
        !n.endsWith(".tmp")
      );
      assertEquals(names.sort(), ["auth.json", "auth.json.lock", "auth.lock"]);
      console.log(
        `${kills} kills in ${Math.round((performance.now() - started) / 1000)} s, ` +
          `${fake.issued.length} refreshes, auth.json changed between kills ${changed} times, ` +
          `${killedMidRefresh} kills after the endpoint answered and before the rename, ` +
          `${tempLeft} with a temp file left`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
