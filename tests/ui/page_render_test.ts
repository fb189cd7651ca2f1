/**
 * The page's rendering helpers (the same code the browser runs): the usage
 * chart from rows in `/v1/usage`'s shape, the cache hit ratio, the accounts
 * from either shape of `/status`, and the countdown.
 */
import { assert, assertEquals } from "../support/assert.ts";
import {
  accountsFromStatus,
  cacheHitRatio,
  formatCountdown,
  pageFunctions,
  usageChart,
  type UsageRow,
} from "../../src/ui/page_render.ts";

function row(day: string, model: string, input: number, output: number, cached = 0): UsageRow {
  return {
    day,
    model,
    requests: 1,
    errors: 0,
    input_tokens: input,
    cached_tokens: cached,
    output_tokens: output,
    reasoning_tokens: 0,
    cache_hit_ratio: input ? cached / input : 0,
  };
}

interface Rect {
  day: string;
  model: string;
  tokens: number;
  y: number;
  height: number;
  series: string;
}

function rects(html: string): Rect[] {
  return [
    ...html.matchAll(
      /<rect class="(s\d)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" data-day="([^"]*)" data-model="([^"]*)" data-tokens="(\d+)"/g,
    ),
  ]
    .map((m) => ({
      series: m[1],
      y: Number(m[2]),
      height: Number(m[3]),
      day: m[4],
      model: m[5],
      tokens: Number(m[6]),
    }));
}

const ROWS: UsageRow[] = [
  row("2026-12-02", "gpt-5.4", 3000, 1000, 1500),
  row("2026-12-01", "gpt-5.4", 1000, 1000),
  row("2026-12-01", "gpt-5.4-mini", 500, 500, 500),
  row("2026-12-02", "gpt-5.4-mini", 0, 0),
];

Deno.test("usage chart: one stacked bar per day, one segment per model with tokens, heights to scale", () => {
  const html = usageChart(ROWS, 640, 220)!;
  const drawn = rects(html);
  assertEquals(drawn.map((r) => [r.day, r.model, r.tokens]), [
    ["2026-12-01", "gpt-5.4", 2000],
    ["2026-12-01", "gpt-5.4-mini", 1000],
    ["2026-12-02", "gpt-5.4", 4000],
  ]);
  // The busiest day fills the plot (220 - 18 top - 22 bottom); the others are to scale.
  const plot = 180;
  assert(Math.abs(drawn[2].height - plot) < 0.1, `tallest ${drawn[2].height}`);
  assert(Math.abs(drawn[0].height - plot / 2) < 0.1 && Math.abs(drawn[1].height - plot / 4) < 0.1);
  assert(drawn[1].y + drawn[1].height - drawn[0].y < 0.2, "the second model sits on the first");
  assertEquals(drawn.map((r) => r.series), ["s0", "s1", "s0"], "a colour per model");
  assert(
    html.includes("<title>2026-12-02 gpt-5.4: 4.0k tokens</title>"),
    "each segment says its value",
  );
  assert(html.includes('<ul class="legend">') && html.includes("gpt-5.4-mini</li>"), "legend");
  assert(html.includes(">12-01</text>") && html.includes(">12-02</text>"), "day labels");
});

Deno.test("usage chart: nothing to draw is null (the page says there is no usage history)", () => {
  assertEquals(usageChart([]), null);
  assertEquals(usageChart([row("2026-12-01", "gpt-5.4", 0, 0)]), null);
  assertEquals(usageChart([{ ...row("", "gpt-5.4", 10, 10), day: undefined }]), null, "no day");
});

Deno.test("usage chart: a model name cannot inject markup", () => {
  const html = usageChart([row("2026-12-01", '<img src=x onerror="alert(1)">', 10, 10)])!;
  assert(!html.includes("<img"), html);
  assert(html.includes("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;"), html);
});

Deno.test("cache hit ratio: cached over input tokens of all rows; null with no input", () => {
  assertEquals(cacheHitRatio(ROWS), 2000 / 4500);
  assertEquals(cacheHitRatio([]), null);
});

Deno.test("accounts: /status's accounts are drawn as they are; without them, one per backend from its usage", () => {
  const accounts = [{
    backend: "openai_codex",
    name: "work",
    plan: "pro",
    state: "cooling",
    cooling_until: "2026-12-02T10:00:00.000Z",
    limits: {
      primary: { used_percent: 100, window_minutes: 300, resets_at: "2026-12-02T10:00:00.000Z" },
    },
  }];
  assertEquals(accountsFromStatus({ accounts }), accounts);
  const older = accountsFromStatus({
    backends: {
      openai_codex: {
        account: { id: "acct-111…3333", plan: "plus" },
        usage: {
          primary: { used_percent: 12, window_minutes: 300, resets_at: "2026-12-02T09:00:00.000Z" },
          secondary: { used_percent: 40, window_minutes: 10080 },
        },
      },
      signed_out: { account: { error: "no auth.json" }, usage: null },
    },
  });
  assertEquals(older.map((a) => [a.name, a.plan, a.state, a.limits.primary?.used_percent]), [
    ["openai_codex", "plus", "ready", 12],
    ["signed_out", undefined, "needs_sign_in", undefined],
  ]);
  assertEquals(older[0].account_id_short, "acct-111…3333");
  assertEquals(older[1].last_error?.message, "no auth.json");
});

Deno.test("countdown: days and hours, hours and minutes, minutes and seconds, or now", () => {
  assertEquals(formatCountdown((3 * 86400 + 4 * 3600 + 59) * 1000), "3d 4h");
  assertEquals(formatCountdown((2 * 3600 + 5 * 60) * 1000), "2h 05m");
  assertEquals(formatCountdown((4 * 60 + 7) * 1000), "4m 07s");
  assertEquals(formatCountdown(-5), "now");
});

Deno.test("page functions: the helpers' source is plain JavaScript that runs on its own", () => {
  const source = pageFunctions();
  const run = new Function(`${source}; return usageChart(arguments[0]);`);
  assertEquals(run(ROWS), usageChart(ROWS), "the embedded copy draws the same chart");
});
