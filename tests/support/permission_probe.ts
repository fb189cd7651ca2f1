/**
 * Prints, as one JSON line, what the permissions this process runs with
 * allow. distribution_test.ts runs it with deno.json's `proxy` set to check
 * that the set grants what the binary needs and nothing more.
 *
 * @module
 */

async function state(descriptor: Deno.PermissionDescriptor): Promise<string> {
  return (await Deno.permissions.query(descriptor)).state;
}

const envNames = Deno.args;
const env: Record<string, string> = {};
for (const name of envNames) env[name] = await state({ name: "env", variable: name });

let unlistedVariable: string;
try {
  // Outside the allow-list: an ignored variable reads as unset instead of throwing.
  unlistedVariable = Deno.env.get("CODEXGATE_PROBE_UNLISTED") === undefined ? "unset" : "visible";
} catch (err) {
  unlistedVariable = `threw ${(err as Error).name}`;
}

console.log(JSON.stringify({
  net: await state({ name: "net" }),
  read: await state({ name: "read" }),
  write: await state({ name: "write" }),
  run: await state({ name: "run" }),
  ffi: await state({ name: "ffi" }),
  sys: await state({ name: "sys" }),
  env,
  unlistedVariable,
}));
