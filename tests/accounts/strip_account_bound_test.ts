import { stripAccountBound } from "../../src/translate/strip_account_bound.ts";
import type { InputItem } from "../../src/request/request_model.ts";
import { assertEquals } from "../support/assert.ts";

Deno.test("stripAccountBound drops reasoning, item references and compaction; keeps the conversation", () => {
  const input: InputItem[] = [
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    { type: "reasoning", encrypted_content: "enc", summary: [] },
    { type: "item_reference", id: "rs_123" },
    { type: "compaction", encrypted_content: "summary-enc" },
    { type: "function_call", call_id: "c1", name: "ls", arguments: "{}" },
    { type: "function_call_output", call_id: "c1", output: "a b" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
  ];
  const { input: kept, dropped } = stripAccountBound(input);
  assertEquals(dropped, 3);
  assertEquals(kept.map((i) => i.type), [
    "message",
    "function_call",
    "function_call_output",
    "message",
  ]);
  assertEquals(stripAccountBound(kept).dropped, 0);
});
