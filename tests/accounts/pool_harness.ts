/**
 * A proxy whose backend has a pool of accounts, each a sign-in file in a
 * throwaway directory, in front of the fake backend that accepts all of them.
 *
 * @module
 */
import { join } from "node:path";
import { type ProxyHarness, startProxy } from "../support/harness.ts";
import { authJson, makeTokenSet, type TokenSet, type TokenSetOptions } from "../support/tokens.ts";

/** One account of the pool. */
export interface PoolAccountSpec {
  name: string;
  accountId: string;
  tokens?: TokenSetOptions;
  /** The fake does not know these tokens (its refresh token is refused for good). */
  unknownToFake?: boolean;
}

/** A running pooled proxy. */
export interface PoolHarness extends AsyncDisposable {
  proxy: ProxyHarness;
  dir: string;
  tokens: Map<string, TokenSet>;
  close(): Promise<void>;
}

/** Writes one sign-in file per account and starts the proxy with `accounts` naming them. */
export async function startPool(
  accounts: PoolAccountSpec[],
  options: { env?: Record<string, string> } = {},
): Promise<PoolHarness> {
  const dir = await Deno.makeTempDir({ prefix: "codexgate-pool-" });
  const tokens = new Map<string, TokenSet>();
  const lines = ["backends:", "  openai_codex:", "    type: openai-codex", "    accounts:"];
  for (const spec of accounts) {
    const set = makeTokenSet({ accountId: spec.accountId, ...spec.tokens });
    tokens.set(spec.name, set);
    const path = join(dir, `${spec.name}.json`);
    await Deno.writeTextFile(path, authJson(set), { mode: 0o600 });
    lines.push(`      - name: ${spec.name}`, `        path: ${JSON.stringify(path)}`);
  }
  const proxy = await startProxy({ configYaml: lines.join("\n"), env: options.env });
  for (const spec of accounts) {
    if (!spec.unknownToFake) proxy.fake.accept(tokens.get(spec.name)!);
  }
  const close = async () => {
    await proxy.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  return { proxy, dir, tokens, close, [Symbol.asyncDispose]: close };
}

/** A Chat Completions request of conversation `conversation`, straight over HTTP. */
export function chatBody(conversation: string, text = "hello"): Record<string, unknown> {
  return {
    model: "gpt-5.4",
    messages: [{ role: "user", content: `${conversation}: ${text}` }],
  };
}

/** The `chatgpt-account-id` each fake call went out with. */
export function accountsOfCalls(proxy: ProxyHarness): string[] {
  return proxy.fake.calls.map((c) => c.headers["chatgpt-account-id"]);
}
