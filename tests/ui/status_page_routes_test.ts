/**
 * The status page's routes in-process: the page and its security headers,
 * the key form's session cookie (it opens the UI's GET routes and never a
 * completion) and the live stream of finished requests.
 */
import { createHash } from "node:crypto";
import { assert, assertEquals } from "../support/assert.ts";
import { IN_PROCESS_CREDENTIALS, inProcessApp } from "../support/in_process.ts";

const KEY = "sk-status-page-test-key";
const WITH_KEY = `server:\n  api_key: ${KEY}\n`;
const messages = [{ role: "user", content: "hello" }];

function get(app: ReturnType<typeof inProcessApp>, path: string, headers: HeadersInit = {}) {
  return app.handler(new Request(`http://codexgate.test${path}`, { headers }));
}

function openSession(app: ReturnType<typeof inProcessApp>, key: unknown) {
  return app.post("/ui/session", { key });
}

Deno.test("status page: GET / and /ui serve one self-contained page whose CSP hashes allow exactly its inline style and script", async () => {
  const app = inProcessApp({ configYaml: WITH_KEY });
  for (const path of ["/", "/ui"]) {
    const res = await get(app, path);
    assertEquals(res.status, 200, `${path} needs no key: it holds no data and asks for it`);
    assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
    assertEquals(res.headers.get("x-content-type-options"), "nosniff");
    assertEquals(res.headers.get("referrer-policy"), "no-referrer");
    assertEquals(res.headers.get("x-frame-options"), "DENY");
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const tag of ["script", "style"]) {
      const inline = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)![1];
      const hash = createHash("sha256").update(inline).digest("base64");
      assert(csp.includes(`${tag}-src 'sha256-${hash}'`), `${tag} allowed by its hash: ${csp}`);
    }
    assert(csp.includes("default-src 'none'") && csp.includes("connect-src 'self'"), csp);
    assert(!/\b(src|href)\s*=/i.test(html), "no external script, style, font or image");
    assert(!/@import|url\(|https?:\/\//i.test(html), "no remote address in the page");
    assert(!html.includes("/*FUNCTIONS*/") && html.includes("function usageChart("), "helpers in");
  }
  const post = await app.post("/", {});
  assertEquals(post.status, 405);
});

Deno.test("status page: the session cookie is an HttpOnly SameSite=Strict stand-in for the key, for the UI's GET routes only", async () => {
  const app = inProcessApp({ configYaml: WITH_KEY });
  assertEquals((await get(app, "/status")).status, 401, "no key, no cookie");
  assertEquals((await openSession(app, "wrong")).status, 401);
  assertEquals((await openSession(app, 42)).status, 400);
  const form = await app.handler(
    new Request("http://codexgate.test/ui/session", { method: "POST", body: `key=${KEY}` }),
  );
  assertEquals(form.status, 415, "only JSON: a cross-site form cannot post it");
  assertEquals((await get(app, "/ui/session")).status, 405);

  const opened = await openSession(app, KEY);
  assertEquals(opened.status, 204);
  const setCookie = opened.headers.get("set-cookie") ?? "";
  const [pair, ...attributes] = setCookie.split(/;\s*/);
  assert(pair.startsWith("codexgate_session="), setCookie);
  assertEquals(attributes.sort(), ["HttpOnly", "Path=/", "SameSite=Strict"]);
  assert(!setCookie.includes(KEY), "the cookie is not the key");
  const cookie = { cookie: pair };

  const status = await get(app, "/status", cookie);
  assertEquals(status.status, 200);
  assertEquals((await status.json()).status, "ok");
  const events = await get(app, "/status/events", cookie);
  assertEquals(events.status, 200);
  await events.body?.cancel();
  // Not a UI route, and never a completion: a page riding the cookie cannot spend the plan.
  assertEquals((await get(app, "/v1/models", cookie)).status, 401);
  const completion = await app.post("/v1/chat/completions", { model: "gpt-5.4", messages }, cookie);
  assertEquals(completion.status, 401);
  assertEquals(app.calls.length, 0, "nothing went upstream");

  // Another process (another secret) does not accept this cookie.
  const other = inProcessApp({ configYaml: WITH_KEY });
  assertEquals((await get(other, "/status", cookie)).status, 401);
  // The key itself still works everywhere, as before.
  assertEquals((await get(app, "/status", { authorization: `Bearer ${KEY}` })).status, 200);
});

Deno.test("status page: without a configured key the page, /status and the live stream are open and no session is needed", async () => {
  const app = inProcessApp();
  assertEquals((await get(app, "/")).status, 200);
  assertEquals((await get(app, "/status")).status, 200);
  const opened = await openSession(app, "anything");
  assertEquals(opened.status, 204);
  assertEquals(opened.headers.get("set-cookie"), null);
});

Deno.test("status page: /status/events streams each finished completion (not the UI's own requests), without token or account id", async () => {
  const app = inProcessApp();
  const res = await get(app, "/status/events");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  await (await get(app, "/status")).body?.cancel();
  const done = await app.post("/v1/chat/completions", { model: "gpt-5.4", messages });
  assertEquals(done.status, 200);
  await done.body?.cancel();
  let text = "";
  while (!text.includes("event: request")) {
    const { value, done: ended } = await reader.read();
    assert(!ended, "the stream stays open");
    text += value;
  }
  while (!text.endsWith("\n\n")) text += (await reader.read()).value;
  await reader.cancel();
  const frames = text.split("\n\n").filter((f) => f.startsWith("event: request"));
  assertEquals(frames.length, 1, "only the completion, not GET /status");
  const event = JSON.parse(frames[0].split("\ndata: ")[1]);
  assertEquals([event.path, event.model, event.dialect, event.status], [
    "/v1/chat/completions",
    "gpt-5.4",
    "chat",
    200,
  ]);
  assertEquals(event.id, done.headers.get("x-request-id"));
  assert(event.tokens.input > 0 && event.tokens.output > 0, "tokens");
  assert(!text.includes(IN_PROCESS_CREDENTIALS.accessToken), "no token");
  assert(!text.includes(IN_PROCESS_CREDENTIALS.accountId), "no account id");
});

Deno.test("status page: page.html is in main.ts's module graph, so `deno compile` embeds it", async () => {
  const root = new URL("../../", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "info",
      "--json",
      "--config",
      new URL("deno.json", root).pathname,
      new URL("main.ts", root).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const page = new URL("src/ui/page.html", root).href;
  assert(info.modules.some((m) => m.specifier === page), "page.html reached from main.ts");
});
