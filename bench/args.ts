/**
 * The bench's command line. Nothing is installed unless asked: nginx, the
 * reference proxy, is used when it is already on this machine, and
 * `--install-nginx` is the only way to make the bench run `apt-get` (which
 * needs root).
 *
 * @module
 */

/** What one `deno task bench` run does. */
export interface BenchArgs {
  /** The CI-sized run: same phases, a fraction of the size, no RESULTS.md. */
  quick: boolean;
  /** Measure nginx beside codexgate when it is available. */
  nginx: boolean;
  /** Install nginx with `apt-get` when it is missing. */
  installNginx: boolean;
  out?: string;
}

/** Usage line shown on a bad argument. */
export const BENCH_USAGE =
  "usage: deno task bench [--quick] [--no-nginx | --install-nginx] [--out FILE]";

/**
 * Parses the bench's arguments.
 *
 * @throws {Error} naming the unknown or incomplete argument.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, nginx: true, installNginx: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--no-nginx") args.nginx = false;
    else if (a === "--install-nginx") args.installNginx = true;
    // The old opt-out, now the default; still accepted so existing scripts keep working.
    else if (a === "--no-install") args.installNginx = false;
    else if (a === "--out" && i + 1 < argv.length) args.out = argv[++i];
    else {throw new Error(
        `bench: ${a === "--out" ? "--out needs a file" : `unknown argument ${a}`}`,
      );}
  }
  if (!args.nginx) args.installNginx = false;
  return args;
}
