/**
 * The serve flags as the hand-written parser reads them (src/cli/parse_cli.ts):
 * every spelling a user may type, and a clear one-line mistake otherwise.
 */
import { parseCli, UsageError } from "../src/cli/parse_cli.ts";
import { assertEquals, assertThrows } from "./support/assert.ts";

Deno.test("parseCli: long, long=value, short and short-joined spellings give the same command", () => {
  const expected = {
    kind: "serve",
    port: 9000,
    host: "127.0.0.2",
    config: "my.yaml",
    logLevel: "debug",
    allowUnauthenticated: true,
  };
  for (
    const argv of [
      ["--port", "9000", "--host", "127.0.0.2", "--config", "my.yaml", "--log-level", "debug"],
      ["--port=9000", "--host=127.0.0.2", "--config=my.yaml", "--log-level=debug"],
      ["-p", "9000", "--host", "127.0.0.2", "-c", "my.yaml", "--log-level", "debug"],
      ["-p9000", "--host", "127.0.0.2", "-cmy.yaml", "--log-level=debug"],
    ]
  ) {
    assertEquals(parseCli([...argv, "--allow-unauthenticated"]), expected, argv.join(" "));
  }
  assertEquals(parseCli([]), { kind: "serve" });
});

Deno.test("parseCli: --help and --version win over other flags; subcommands keep their args", () => {
  assertEquals(parseCli(["--port", "1", "-h"]), { kind: "help" });
  assertEquals(parseCli(["-V"]), { kind: "version" });
  assertEquals(parseCli(["--version"]), { kind: "version" });
  assertEquals(parseCli(["auth", "status", "--json"]), {
    kind: "subcommand",
    name: "auth",
    args: ["status", "--json"],
  });
});

Deno.test("parseCli: unknown flags, stray arguments, missing and bad values are UsageErrors", () => {
  const cases: [string[], string][] = [
    [["--bogus"], "unknown option --bogus"],
    [["-x"], "unknown option -x"],
    [["serve"], 'unexpected argument "serve"'],
    [["--port"], "--port: expected a value"],
    [["--port", "--host", "h"], "--port: expected a value"],
    [["--help=yes"], "--help takes no value"],
    [["--port", "70000"], '--port: expected a whole number from 0 to 65535, got "70000"'],
    [["--host", " "], "--host: expected an address"],
    [["--log-level", "loud"], '--log-level: expected one of debug, info, warn, error, got "loud"'],
  ];
  for (const [argv, message] of cases) {
    const err = assertThrows(() => parseCli(argv));
    assertEquals(err instanceof UsageError, true, argv.join(" "));
    assertEquals((err as UsageError).message, message, argv.join(" "));
  }
});
