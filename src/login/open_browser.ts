/**
 * Opens a URL in the default browser where the OS offers a way to:
 * `open` (macOS), `rundll32 url.dll,FileProtocolHandler` (Windows),
 * `xdg-open` (Linux and the BSDs). These three are the only programs
 * codexgate may run (`--allow-run=xdg-open,open,rundll32`). The caller
 * always prints the URL too, so a failure here costs nothing.
 *
 * @module
 */

/** The command that opens `url` on `platform`, or undefined where there is none. */
export function browserCommand(
  platform: string,
  url: string,
): { command: string; args: string[] } | undefined {
  switch (platform) {
    case "darwin":
      return { command: "open", args: [url] };
    case "windows":
      return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] };
    case "linux":
    case "freebsd":
    case "netbsd":
    case "openbsd":
    case "android":
      return { command: "xdg-open", args: [url] };
  }
  return undefined;
}

/**
 * Starts the browser on `url`; true when the opener started. Never waits
 * for the browser and never throws (no opener installed, no permission).
 */
export function openBrowser(url: string, platform: string = Deno.build.os): boolean {
  const how = browserCommand(platform, url);
  if (!how) return false;
  try {
    const child = new Deno.Command(how.command, {
      args: how.args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    // Reaped in the background; the login does not wait for the browser.
    child.status.catch(() => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
