/**
 * A subprocess that behaves like a careful refresher: takes `auth.lock`,
 * prints "locked", refreshes at the token endpoint, keeps the lock for a
 * while, writes auth.json, prints "written" and exits (releasing the lock).
 *
 * Usage: deno run -A hold_auth_lock.ts <auth.json> <token url> <hold ms>
 *
 * @module
 */
import { dirname, join } from "node:path";
import { applyRefreshedTokens } from "../../src/auth/apply_refreshed_tokens.ts";
import { refreshTokens } from "../../src/auth/refresh_tokens.ts";
import { writeAuthFileAtomic } from "../../src/auth/write_auth_file.ts";

const [authPath, tokenUrl, holdMs] = Deno.args;
const lock = await Deno.open(join(dirname(authPath), "auth.lock"), {
  read: true,
  write: true,
  create: true,
  mode: 0o600,
});
await lock.lock(true);
const say = (line: string) => Deno.stdout.write(new TextEncoder().encode(`${line}\n`));
await say("locked");
const raw = JSON.parse(await Deno.readTextFile(authPath));
const refreshed = await refreshTokens(raw.tokens.refresh_token, {
  tokenUrl,
  clientId: "hold-lock-test",
  fetch,
  timeoutMs: 10_000,
});
await new Promise((r) => setTimeout(r, Number(holdMs)));
const next = applyRefreshedTokens(raw, refreshed, Date.now());
await writeAuthFileAtomic(authPath, JSON.stringify(next, null, 2), { platform: Deno.build.os });
await say("written");
lock.close();
