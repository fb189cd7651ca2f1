/**
 * The real Codex CLI (`@openai/codex`, pinned) asks codexgate for the plan's
 * limits, inside a loopback-only network namespace: its app server's
 * `account/rateLimits/read` reaches codexgate at `…/wham/usage` or
 * `…/api/codex/usage` (by its base URL) and shows the figures codexgate
 * polled for its account. Skips, saying why, when the CLI cannot be
 * installed or `unshare -n` is not allowed (docs/testing.md#real-client-tests).
 */
import { assert, assertEquals } from "../support/assert.ts";
import { CODEX_VERSION, findRealCodexCli, runInLoopbackNetns } from "../support/real_codex_cli.ts";
import { FAKE_WHAM_USAGE } from "../support/fake_codex.ts";
import type { UsageRun } from "./codex_cli_usage.netns.ts";

const found = await findRealCodexCli();
const skipReason = "skip" in found ? found.skip : undefined;
const codexBin = "bin" in found ? found.bin : "";
if (skipReason) console.warn(`\n⚠ SKIPPED: the real Codex CLI usage test: ${skipReason}\n`);
const skipNote = skipReason ? ` (SKIPPED: ${skipReason})` : "";

let report: Promise<UsageRun[]> | undefined;
function scenario(): Promise<UsageRun[]> {
  report ??= runInLoopbackNetns<UsageRun[]>(
    new URL("./codex_cli_usage.netns.ts", import.meta.url),
    codexBin,
  );
  return report;
}

for (
  const [base, path] of [["/backend-api/", "/backend-api/wham/usage"], ["/", "/api/codex/usage"]]
) {
  Deno.test({
    name:
      `codex cli ${CODEX_VERSION}: its limits request (base ${base}) reaches codexgate at ${path}${skipNote}`,
    ignore: skipReason !== undefined,
    async fn() {
      const run = (await scenario()).find((r) => r.baseUrl === base);
      assert(run, "run missing");
      assert(run.paths.includes(path), `codexgate saw ${run.paths.join(", ")}`);
      const result = run.answer?.result as Record<string, Record<string, unknown>> | undefined;
      assert(result, `the CLI's answer: ${JSON.stringify(run.answer)}\n${run.stderrTail}`);
      const limits = result.rateLimits as Record<string, Record<string, unknown>>;
      const w = FAKE_WHAM_USAGE.rate_limit;
      assertEquals(limits.primary.usedPercent, w.primary_window.used_percent);
      assertEquals(limits.primary.windowDurationMins, w.primary_window.limit_window_seconds / 60);
      assertEquals(limits.primary.resetsAt, w.primary_window.reset_at);
      assertEquals(limits.secondary.usedPercent, w.secondary_window.used_percent);
      assertEquals(limits.planType, FAKE_WHAM_USAGE.plan_type);
      assertEquals(limits.credits.balance, FAKE_WHAM_USAGE.credits.balance);
    },
  });
}
