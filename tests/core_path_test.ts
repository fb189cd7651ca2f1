/**
 * src/core/path.ts against node:path (which codexgate no longer loads on the
 * serving path) for the paths codexgate builds, on POSIX and Windows.
 */
import { posix, win32 } from "node:path";
import { basenameOf, dirnameOf, joinPathFor } from "../src/core/path.ts";
import { assertEquals } from "./support/assert.ts";

const POSIX_PATHS = [
  "/home/ann/.codex/auth.json",
  "/home/ann/.codex/",
  "/home//ann//x.json",
  "/x",
  "/",
  "auth.json",
  "dir/auth.json",
  "./dir/",
  "",
];
const WINDOWS_PATHS = [
  "C:\\Users\\Ann\\.codex\\auth.json",
  "C:\\Users\\Ann\\",
  "C:/Users/Ann/auth.json",
  "C:\\auth.json",
  "C:\\a\\\\b.json",
  "C:\\",
  "C:auth.json",
  "dir\\auth.json",
  "auth.json",
];

Deno.test("dirnameOf and basenameOf match node:path on POSIX paths", () => {
  for (const p of POSIX_PATHS) {
    assertEquals(dirnameOf(p, "linux"), posix.dirname(p), `dirname ${p}`);
    assertEquals(basenameOf(p, "linux"), posix.basename(p), `basename ${p}`);
  }
});

Deno.test("dirnameOf and basenameOf match node:path on Windows paths", () => {
  for (const p of WINDOWS_PATHS) {
    assertEquals(dirnameOf(p, "windows"), win32.dirname(p), `dirname ${p}`);
    assertEquals(basenameOf(p, "windows"), win32.basename(p), `basename ${p}`);
  }
});

Deno.test("joinPathFor matches node:path for a directory and the names codexgate adds", () => {
  const names = [["auth.json"], [".codex", "auth.json"], ["AppData", "Local"], ["/.codex/x"]];
  for (const dir of ["/home/ann", "/home/ann/", "rel/dir"]) {
    for (const n of names) assertEquals(joinPathFor("linux", dir, ...n), posix.join(dir, ...n));
  }
  for (const dir of ["C:\\Users\\Ann", "C:\\Users\\Ann\\", "C:/Users/Ann"]) {
    for (const n of names) assertEquals(joinPathFor("windows", dir, ...n), win32.join(dir, ...n));
  }
});
