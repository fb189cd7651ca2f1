/// <reference lib="dom" />
/**
 * The status page in a real browser: headless Chromium (Debian's `chromium`)
 * driven by puppeteer-core, against codexgate + the fake backend on
 * 127.0.0.1. It types the key into the prompt, makes requests through the
 * OpenAI SDK, and checks that the live list grows, the bars match
 * `/status`, the usage chart's empty state, the 360 px layout, keyboard
 * focus, that nothing secret reaches the page, and that every request the
 * browser makes goes to 127.0.0.1. Screenshots go to a temp dir (printed).
 * Skipped, saying why, when Chromium is not installed.
 */
import OpenAI from "openai";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { assert, assertEquals } from "../support/assert.ts";
import { startProxy } from "../support/harness.ts";

const KEY = "sk-browser-test-key";
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});
const WAIT = { timeout: 30_000 };

/** One usage window of `/status`. */
interface LimitWindow {
  used_percent?: number;
  resets_at?: string;
}

function liveRows(page: Page): Promise<number> {
  return page.$$eval("#live tr:not(#live-empty)", (rows) => rows.length);
}

Deno.test({
  name: CHROMIUM
    ? "status page in Chromium: key prompt, live requests, bars from /status, empty usage, 360 px, keyboard, loopback only"
    : "status page in Chromium: SKIPPED, no chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run installs it)",
  ignore: !CHROMIUM,
  // puppeteer keeps its own timers and sockets between steps.
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await using proxy = await startProxy({ configYaml: `server:\n  api_key: ${KEY}\n` });
  const shots = await Deno.makeTempDir({ prefix: "codexgate-status-page-" });
  const profile = await Deno.makeTempDir({ prefix: "codexgate-chromium-" });
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-proxy-server",
        // Any name but 127.0.0.1 fails to resolve: nothing can leave the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      ],
    });
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const offsite: string[] = [];
    const problems: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol === "data:" || url.hostname === "127.0.0.1") {
        request.continue();
      } else {
        offsite.push(request.url());
        request.abort();
      }
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err}`));
    page.on("console", (msg) => {
      // A CSP violation or a script error is a console error. Failed loads are not: a 401
      // before sign-in and the 404 of /v1/usage where there is no usage history are expected.
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) {
        problems.push(msg.text());
      }
    });

    // 1. The page asks for the key, with the cursor in the field.
    await page.goto(`${proxy.url}/`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#login:not([hidden])", WAIT);
    assertEquals(await page.evaluate(() => document.activeElement?.id), "key", "focus in the key");
    await page.keyboard.type("not-the-key");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.getElementById("login-error")?.textContent, WAIT);
    await page.screenshot({ path: `${shots}/key-prompt.png` });
    await page.keyboard.type(KEY);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#dashboard:not([hidden])", WAIT);
    const cookies = await browser.cookies();
    const session = cookies.find((c) => c.name === "codexgate_session");
    assert(session?.httpOnly && session.sameSite === "Strict", JSON.stringify(cookies));
    assert(!session.value.includes(KEY), "the cookie is not the key");
    assertEquals(await page.evaluate(() => document.cookie), "", "scripts cannot read it");
    assert(!page.url().includes(KEY), "the key is never in the address");

    // 2. A first request records the plan's usage; after a reload the session still holds.
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY });
    const first = await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "hello" }],
    });
    assert(first.choices[0].message.content, "an answer");
    await page.waitForFunction(
      () => document.querySelectorAll("#live tr:not(#live-empty)").length >= 1,
      WAIT,
    );
    await page.reload({ waitUntil: "domcontentloaded" });
    await page.waitForSelector("#dashboard:not([hidden])", WAIT);
    assert(await page.$eval("#login", (form) => (form as HTMLElement).hidden), "asked only once");

    // 3. The bars are /status's figures: its `accounts` when it lists them, else each backend's usage.
    await page.waitForSelector(".bar[data-used]", WAIT);
    const auth = { headers: { authorization: `Bearer ${KEY}` } };
    const status = await fetch(`${proxy.url}/status`, auth).then((r) => r.json());
    const windows: { label: string; window?: LimitWindow }[] = Array.isArray(status.accounts)
      ? status.accounts.flatMap((a: { limits: Record<string, LimitWindow> }) => [
        { label: "5-hour", window: a.limits.primary },
        { label: "weekly", window: a.limits.secondary },
      ])
      : [
        { label: "5-hour", window: status.backends.openai_codex.usage.primary },
        { label: "weekly", window: status.backends.openai_codex.usage.secondary },
      ];
    const figures = windows.filter((w) => typeof w.window?.used_percent === "number");
    assert(figures.length >= 2, "the fake reports both windows");
    const bars = await page.$$eval(".bar[data-used]", (els) =>
      els.map((el) => ({
        label: el.getAttribute("aria-label"),
        used: Number(el.getAttribute("aria-valuenow")),
        width: (el.firstElementChild as HTMLElement).style.width,
      })));
    assertEquals(
      bars,
      figures.map(({ label, window }) => ({
        label,
        used: window!.used_percent,
        width: `${window!.used_percent}%`,
      })),
    );
    const countdowns = await page.$$eval("[data-reset]", (els) => els.map((el) => el.textContent));
    // Each reset's countdown: "now" once the reset time has passed, else a time left.
    assertEquals(
      countdowns.map((text) => text === "now" ? "now" : /^in \d+[dhm] \d+[hms]$/.test(text ?? "")),
      figures.filter((f) => f.window!.resets_at).map((f) =>
        Date.parse(f.window!.resets_at!) <= Date.now() ? "now" : true
      ),
    );

    // The chart: one segment per day and model with tokens in /v1/usage, or "No usage history"
    // where the server keeps none (no /v1/usage) or has nothing yet.
    await page.waitForFunction(() => document.getElementById("chart")?.innerHTML, WAIT);
    const history = await fetch(`${proxy.url}/v1/usage?since=7d&by=day,model`, auth);
    const usageRows: { day?: string; input_tokens: number; output_tokens: number }[] = history.ok
      ? (await history.json()).rows
      : (await history.body?.cancel(), []);
    const segments = usageRows.filter((r) => r.day && r.input_tokens + r.output_tokens > 0).length;
    assertEquals(await page.$$eval("#chart svg rect", (rects) => rects.length), segments);
    assertEquals(Boolean(await page.$("#no-usage")), segments === 0, "the empty state, alone");

    // 4. Requests as they happen: the list grows, and a failure stands out.
    await client.chat.completions.create({
      model: "gpt-5.4-mini",
      messages: [{ role: "user", content: "again" }],
    });
    const stream = await client.chat.completions.create({
      model: "gpt-5.4",
      messages: [{ role: "user", content: "stream please" }],
      stream: true,
    });
    for await (const _chunk of stream) { /* read to the end */ }
    const refused = await client.chat.completions.create({
      model: "gpt-0-nonexistent",
      messages: [{ role: "user", content: "no" }],
    }).catch((err: unknown) => err);
    assert(refused instanceof OpenAI.APIError && refused.status === 404, String(refused));
    await page.waitForFunction(
      () => document.querySelectorAll("#live tr:not(#live-empty)").length >= 3,
      WAIT,
    );
    await page.waitForFunction(() => document.querySelector("#live tr.err"), WAIT);
    assertEquals(await liveRows(page), 3, "three rows: the reload cleared the first");
    const rows = await page.$$eval(
      "#live tr",
      (trs) =>
        trs.map((tr) => ({
          error: tr.classList.contains("err"),
          cells: [...tr.children].map((td) => td.textContent),
        })),
    );
    assertEquals(rows[0].error, true);
    assertEquals(rows[0].cells.slice(1, 5), [
      "gpt-0-nonexistent",
      "chat",
      "–", // no backend: the model was refused before routing
      "404 model_not_found",
    ]);
    assertEquals(rows.slice(1).map((r) => [r.error, r.cells[1], r.cells[4]]), [
      [false, "gpt-5.4", "200"],
      [false, "gpt-5.4-mini", "200"],
    ]);
    assert(
      /^\d+ ms$/.test(rows[1].cells[5] ?? "") && /\d+ \/ \d+/.test(rows[1].cells[6] ?? ""),
      "latency, tokens",
    );
    assert(
      (await page.$eval("#cache-ratio", (el) => el.textContent))?.endsWith("%"),
      "cache hit ratio",
    );
    await page.screenshot({ path: `${shots}/desktop.png`, fullPage: true });

    // 5. Keyboard: Tab reaches the live list with a visible focus ring.
    await page.focus("body");
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { label: el.getAttribute("aria-label"), outline: getComputedStyle(el).outlineStyle };
    });
    assertEquals(focus, { label: "Live requests", outline: "solid" });

    // 6. A phone: 360 px wide, nothing wider than the screen.
    await page.setViewport({ width: 360, height: 780 });
    const widest = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(widest <= 360, `page is ${widest}px wide at 360px`);
    await page.screenshot({ path: `${shots}/phone-360.png`, fullPage: true });

    // 7. Nothing secret in the page or its data; nothing left 127.0.0.1.
    const seen = [await page.content(), JSON.stringify(status)].join("\n");
    for (
      const secret of [
        proxy.tokens.access_token,
        proxy.tokens.refresh_token,
        proxy.tokens.id_token,
        proxy.tokens.account_id,
      ]
    ) {
      assert(!seen.includes(secret), "no token, refresh token or full account id on the page");
    }
    assertEquals(offsite, [], "every request went to 127.0.0.1");
    assertEquals(problems, [], "no script error, no CSP violation");
    console.log(`status page screenshots: ${shots} (key-prompt, desktop, phone-360 .png)`);
  } finally {
    await browser?.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
});
