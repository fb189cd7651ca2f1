/**
 * The plain-TypeScript SHA-256 and HMAC give the same digests as node:crypto (which
 * codexgate no longer loads at startup), for every padding length and for
 * text that is not ASCII.
 */
import { createHash, createHmac } from "node:crypto";
import { hmacSha256, sha256Hex, toBase64 } from "../src/core/sha256.ts";
import { assertEquals } from "./support/assert.ts";

const reference = (text: string) => createHash("sha256").update(text).digest("hex");

Deno.test("sha256: the known digest of the empty string and of 'abc'", () => {
  assertEquals(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("sha256: same as node:crypto for lengths across block and padding boundaries", () => {
  for (let n = 0; n < 300; n++) {
    const text = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7 + n) % 95)))
      .join("");
    assertEquals(sha256Hex(text), reference(text), `length ${n}`);
  }
});

Deno.test("sha256: same as node:crypto for non-ASCII text and a long prompt", () => {
  for (const text of ["é", "日本語のプロンプト", "emoji 🎉 and \u0000 NUL", "x".repeat(100_000)]) {
    assertEquals(sha256Hex(text), reference(text));
  }
});

Deno.test("hmacSha256: same as node:crypto for short and long keys (base64 and base64url)", () => {
  for (const keyLength of [0, 16, 32, 64, 65, 200]) {
    const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 31 + keyLength) & 0xff);
    for (const message of ["", "sk-key", "日本語 🎉", "y".repeat(1000)]) {
      const expected = createHmac("sha256", key).update(message).digest();
      assertEquals(toBase64(hmacSha256(key, message)), expected.toString("base64"));
      assertEquals(toBase64(hmacSha256(key, message), true), expected.toString("base64url"));
    }
  }
});
