/**
 * Makes a directory refuse new files, for root too: root ignores mode bits,
 * so as root the directory is made immutable (`chattr +i`; files inside stay
 * writable, like `auth.lock`), otherwise its mode becomes 0555.
 *
 * @module
 */

const isRoot = Deno.build.os !== "windows" && Deno.uid() === 0;

async function chattr(flag: "+i" | "-i", dir: string): Promise<void> {
  const out = await new Deno.Command("chattr", { args: [flag, dir], stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`chattr ${flag} ${dir} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Makes `dir` refuse new entries; throws when that cannot be done here. */
export async function makeUnwritable(dir: string): Promise<void> {
  if (isRoot) await chattr("+i", dir);
  else await Deno.chmod(dir, 0o555);
  try {
    await Deno.writeTextFile(`${dir}/.probe`, "x", { createNew: true });
  } catch {
    return;
  }
  await Deno.remove(`${dir}/.probe`);
  throw new Error(`cannot make ${dir} unwritable on this machine`);
}

/** Undoes {@link makeUnwritable}. */
export async function makeWritable(dir: string): Promise<void> {
  if (isRoot) await chattr("-i", dir);
  else await Deno.chmod(dir, 0o755);
}
