/**
 * A flood of connections that uses up every file descriptor must not end
 * the process: `Deno.serve` gives up listening on the first failed accept,
 * and codexgate binds again once descriptors are free. A real process under a
 * low `ulimit -n`, because the failure only exists at the socket level.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startFakeCodex } from "../support/fake_codex.ts";
import { ScriptBuilder } from "../support/fake_script.ts";
import { startMain } from "../support/run_main.ts";
import {
  chatStreamContent,
  settlesWithin,
  signedInHome,
  startCountingStream,
  waitFor,
} from "./ops_helpers.ts";

const FD_LIMIT = 160;

Deno.test({
  name:
    "fd exhaustion: a connection flood past ulimit -n; codexgate serves again after it, the running stream finishes",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using fake = await startFakeCodex();
    await using signedIn = await signedInHome(fake);
    const { home, env } = signedIn;
    const flood: Deno.Conn[] = [];
    try {
      await using main = await startMain([], { env, cwd: home, fdLimit: FD_LIMIT });
      // A stream that runs through the whole flood.
      const { response: stream, words } = await startCountingStream(main.url, fake, {
        count: 20,
        delayMs: 150,
      });
      assertEquals(stream.status, 200);
      const streamText = stream.text();

      // Connections whose headers never finish, until the server takes no more.
      const port = Number(new URL(main.url).port);
      const partial = new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (let i = 0; i < FD_LIMIT * 2; i++) {
        try {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          flood.push(conn);
          await conn.write(partial);
        } catch {
          break; // refused or reset: the listener is gone
        }
      }
      await waitFor(() => main.stderr().includes("accepting connections failed"), 30_000);
      assert(flood.length >= 10, `the flood opened connections (${flood.length})`);

      for (const conn of flood.splice(0)) conn.close();
      // Listening again is bounded by the longest pause between attempts.
      let health = 0;
      const until = performance.now() + 30_000;
      while (health !== 200 && performance.now() < until) {
        health = await fetch(`${main.url}/health`).then(async (r) => {
          await r.body?.cancel();
          return r.status;
        }, () => 0);
        if (health !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(health, 200, "codexgate answers again once the flood is gone");
      assertStringIncludes(main.stderr(), "listening again");

      const text = await streamText;
      assertEquals(
        chatStreamContent(text),
        words.join(""),
        "the stream accepted before the flood completed",
      );

      // Still a whole proxy, not just a health check.
      fake.enqueue({ kind: "events", events: new ScriptBuilder().text(["again"]).completed() });
      const after = await fetch(`${main.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] }),
      });
      assertEquals(after.status, 200);
      assertEquals((await after.json()).choices[0].message.content, "again");

      // Shutdown covers the listener that failed as well as the new one.
      main.process.kill("SIGTERM");
      assert(await settlesWithin(main.process.status, 15_000), "the process exited");
      assertEquals((await main.process.status).code, 0);
    } finally {
      for (const conn of flood) conn.close();
    }
  },
});
