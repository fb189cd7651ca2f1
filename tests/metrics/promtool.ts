/**
 * `promtool check metrics` (Debian's `prometheus` package) on an exposition:
 * its complaints, or why it cannot run here.
 *
 * @module
 */

/** Runs promtool on `text`; `problems` is empty when it accepts it. */
export async function promtool(text: string): Promise<{ problems: string } | { skip: string }> {
  let child;
  try {
    child = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch {
    return { skip: "promtool is not installed (apt-get install -y prometheus; .ci/run does)" };
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  // Lint advice (naming) is printed too; a parse error makes the exit code non-zero.
  return { problems: out.success ? "" : said.trim() };
}
