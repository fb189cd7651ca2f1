/**
 * A hostile web page in the user's browser must not use the plan: what such
 * a page can send (a "simple" no-cors POST, a DNS-rebinding request under
 * its own host name, a cross-site subresource load) is refused before
 * anything reaches the backend, while real clients (no Origin, a loopback
 * Host, a JSON content type) pass. Browser requests are played with the
 * exact headers a browser sends; Host needs a raw socket.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";
import { rawConnect, statusOf } from "../support/raw_connection.ts";
import { postChat } from "./ops_helpers.ts";

const CHAT = JSON.stringify({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });

/** A GET with a chosen Host header, over a raw socket; returns status and body text. */
async function getWithHost(url: string, path: string, host: string) {
  await using client = await rawConnect(url);
  await client.write(`GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
  const answer = await client.readAll();
  return { status: statusOf(answer), text: answer.slice(answer.indexOf("\r\n\r\n") + 4) };
}

Deno.test("browser: a hostile page's simple no-cors POSTs never reach the backend", async () => {
  await using proxy = await startProxy();
  // fetch(url, { mode: "no-cors", method: "POST", body }) from https://evil.test: the browser
  // sends Origin, and a text/plain (string body) or no (Blob body) content type.
  for (
    const headers of <Record<string, string>[]> [
      { origin: "https://evil.test", "content-type": "text/plain;charset=UTF-8" },
      { origin: "https://evil.test" },
      { origin: "null" }, // a sandboxed iframe or a file:// page
    ]
  ) {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { ...headers, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
      body: CHAT,
    });
    assertEquals(res.status, 403, JSON.stringify(headers));
    const error = (await res.json()).error;
    assertEquals(error.code, "origin_not_allowed");
    assertStringIncludes(error.message, "server.cors_origins");
  }
  // The Anthropic route answers in Anthropic's shape.
  const messages = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { origin: "https://evil.test" },
    body: JSON.stringify({ model: "claude-sonnet-5", max_tokens: 5, messages: [] }),
  });
  assertEquals(messages.status, 403);
  const body = await messages.json();
  assertEquals(body.type, "error");
  assertEquals(body.error.type, "permission_error");
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("browser: a POST body without a JSON content type → 415, even without Origin", async () => {
  await using proxy = await startProxy();
  // A browser too old to send Origin with a no-cors POST would still be stopped here.
  for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded"]) {
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: type ? { "content-type": type } : {},
      body: new Blob([CHAT]), // a Blob without a type sends no Content-Type
    });
    assertEquals(res.status, 415, String(type));
    const error = (await res.json()).error;
    assertEquals(error.code, "unsupported_media_type");
    assertStringIncludes(error.message, "application/json");
  }
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("browser: a DNS-rebinding page (its own name in Host) cannot read /status or answers", async () => {
  await using proxy = await startProxy();
  const { port } = new URL(proxy.url);
  for (const path of ["/status", "/v1/models", "/health"]) {
    const { status, text } = await getWithHost(proxy.url, path, `evil.test:${port}`);
    assertEquals(status, 403, path);
    assertEquals(JSON.parse(text).error.code, "host_not_allowed");
    assertStringIncludes(JSON.parse(text).error.message, "server.allowed_hosts");
    assert(!text.includes(proxy.tokens.account_id.slice(0, 8)), "no account data");
  }
  await using client = await rawConnect(proxy.url);
  await client.write(
    `POST /v1/chat/completions HTTP/1.1\r\nhost: evil.test:${port}\r\norigin: http://evil.test:${port}\r\n` +
      `content-type: application/json\r\ncontent-length: ${CHAT.length}\r\nconnection: close\r\n\r\n${CHAT}`,
  );
  assertEquals(statusOf(await client.readAll()), 403);
  assertEquals(proxy.fake.calls.length, 0);
});

Deno.test("browser: a cross-site subresource load (no Origin) is refused; a navigation is not", async () => {
  await using proxy = await startProxy();
  const img = await fetch(`${proxy.url}/v1/models`, {
    headers: {
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "no-cors",
      "sec-fetch-dest": "image",
    },
  });
  assertEquals(img.status, 403);
  assertEquals((await img.json()).error.code, "origin_not_allowed");
  // The user typing the address, or following a link: a navigation.
  const typed = await fetch(`${proxy.url}/health`, {
    headers: { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" },
  });
  assertEquals(typed.status, 200);
  await typed.body?.cancel();
});

Deno.test("browser: loopback names, listed origins and listed hosts pass", async () => {
  await using proxy = await startProxy({
    configYaml:
      'server:\n  cors_origins: ["http://app.test"]\n  allowed_hosts: ["codexgate.internal"]\n',
  });
  const { port } = new URL(proxy.url);
  for (
    const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST.:${port}`,
      `[::1]:${port}`,
      `dev.localhost:${port}`,
      "codexgate.internal",
      `codexgate.internal:${port}`,
    ]
  ) {
    assertEquals((await getWithHost(proxy.url, "/health", host)).status, 200, host);
  }
  assertEquals((await getWithHost(proxy.url, "/health", "codexgate.other")).status, 403);
  const listed = await postChat(proxy.url, { model: "gpt-5.4" }, { origin: "http://app.test" });
  assertEquals(listed.status, 200);
  // A page served from codexgate's own origin is not cross-site.
  const same = await postChat(proxy.url, { model: "gpt-5.4" }, { origin: proxy.url });
  assertEquals(same.status, 200);
  const other = await postChat(proxy.url, { model: "gpt-5.4" }, { origin: "http://app.test:81" });
  assertEquals(other.status, 403);
});

Deno.test('browser: allowed_hosts ["*"] turns the Host check off (a proxy that rewrites Host)', async () => {
  await using proxy = await startProxy({ configYaml: 'server:\n  allowed_hosts: ["*"]\n' });
  assertEquals((await getWithHost(proxy.url, "/health", "anything.test")).status, 200);
});

const hasCurl = await new Deno.Command("curl", { args: ["--version"], stdout: "null" }).output()
  .then((o) => o.success, () => false);

Deno.test({
  name: "browser: curl with -H 'content-type: application/json' works; without it, 415 says why",
  ignore: !hasCurl,
  fn: async () => {
    await using proxy = await startProxy();
    const curl = async (extra: string[]) => {
      const out = await new Deno.Command("curl", {
        args: [
          "-sS",
          "-w",
          "\n%{http_code}",
          `${proxy.url}/v1/chat/completions`,
          "-d",
          CHAT,
          ...extra,
        ],
        stdout: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim();
      return {
        status: Number(text.split("\n").at(-1)),
        body: text.split("\n").slice(0, -1).join("\n"),
      };
    };
    const ok = await curl(["-H", "content-type: application/json"]);
    assertEquals(ok.status, 200);
    assertStringIncludes(ok.body, "Echo: hi");
    // curl -d alone sends application/x-www-form-urlencoded.
    const bare = await curl([]);
    assertEquals(bare.status, 415);
    assertStringIncludes(JSON.parse(bare.body).error.message, "application/json");
  },
});

Deno.test("browser: bound to all interfaces (LAN with a key), IP addresses pass, names need listing", async () => {
  await using proxy = await startProxy({
    configYaml: "server:\n  host: 0.0.0.0\n  api_key: lan-key-1\n",
  });
  assertEquals((await getWithHost(proxy.url, "/health", "192.168.1.20:8000")).status, 200);
  assertEquals((await getWithHost(proxy.url, "/health", "[fd00::20]:8000")).status, 200);
  const named = await getWithHost(proxy.url, "/health", "mybox.lan:8000");
  assertEquals(named.status, 403);
  assertStringIncludes(JSON.parse(named.text).error.message, "server.allowed_hosts");
});
