/**
 * auth.json's shape is checked by hand (src/auth/auth_file.ts: zod is not
 * loaded to serve), with the words zod gave before: each bad shape here is
 * also run through the equivalent zod schema and both messages compared.
 */
import { z } from "zod";
import { parseAuthFile } from "../../src/auth/auth_file.ts";
import { formatIssues } from "../../src/config/format_issues.ts";
import type { ProxyError } from "../../src/errors.ts";
import { assertEquals, assertThrows } from "../support/assert.ts";

const tokensSchema = z.looseObject({
  id_token: z.string().optional(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  account_id: z.string().nullish(),
});
const fileSchema = z.looseObject({
  auth_mode: z.string().nullish(),
  OPENAI_API_KEY: z.string().nullish(),
  tokens: tokensSchema.nullish(),
  last_refresh: z.string().nullish(),
});

const TOKENS = { access_token: "a", refresh_token: "r" };

Deno.test("parseAuthFile names the same shape problems, in the same words, as zod did", () => {
  const bad: unknown[] = [
    [],
    "text",
    null,
    { auth_mode: 1, tokens: TOKENS },
    { OPENAI_API_KEY: false, tokens: TOKENS },
    { tokens: "x" },
    { tokens: [] },
    { tokens: { access_token: "", refresh_token: "r" } },
    { tokens: { refresh_token: 5 } },
    { tokens: { ...TOKENS, id_token: null } },
    { tokens: { ...TOKENS, account_id: 7 } },
    { tokens: TOKENS, last_refresh: 3 },
    {
      auth_mode: 1,
      tokens: { access_token: "", refresh_token: 2, account_id: [] },
      last_refresh: {},
    },
  ];
  for (const raw of bad) {
    const result = fileSchema.safeParse(raw);
    assertEquals(result.success, false, JSON.stringify(raw));
    const expected = `/x/auth.json has an unexpected shape (${
      formatIssues(result.error!.issues)
    }). Run \`codexgate login\` (or \`codex login\`) to sign in again.`;
    const err = assertThrows(() => parseAuthFile(JSON.stringify(raw), "/x/auth.json"));
    assertEquals((err as ProxyError).message, expected, JSON.stringify(raw));
    assertEquals((err as ProxyError).status, 401);
  }
});

Deno.test("parseAuthFile keeps unknown fields and accepts nulls where the Codex CLI writes them", () => {
  const raw = {
    auth_mode: null,
    OPENAI_API_KEY: null,
    tokens: { ...TOKENS, id_token: "i", account_id: null, extra: 1 },
    last_refresh: null,
    other: { kept: true },
  };
  assertEquals(fileSchema.safeParse(raw).success, true);
  assertEquals(parseAuthFile(JSON.stringify(raw), "/x/auth.json"), raw);
});
