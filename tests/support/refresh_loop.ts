/**
 * A subprocess for the kill test: refreshes the sign-in in auth.json over and
 * over through codexgate's real credential source, printing one line per
 * refresh, until it is killed.
 *
 * Usage: deno run -A refresh_loop.ts <auth.json> <token url>
 *
 * @module
 */
import { FileCredentialSource } from "../../src/auth/file_credential_source.ts";

const [authPath, tokenUrl] = Deno.args;
const source = new FileCredentialSource({
  candidates: [{ path: authPath, from: "config auth_path" }],
  refresh: { tokenUrl, clientId: "kill-test", marginMs: 0 },
});
const encoder = new TextEncoder();
for (let n = 1;; n++) {
  // recover() with the token on disk refreshes it: the backend "refused" it.
  await source.recover(await source.get());
  await Deno.stdout.write(encoder.encode(`refreshed ${n}\n`));
}
