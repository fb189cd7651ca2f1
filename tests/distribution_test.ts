/**
 * What can be checked about the compiled binary on a machine that cannot run
 * `deno compile` (no access to dl.deno.land): the compile tasks, the
 * permission set baked in, and that everything the binary needs is in the
 * module graph that compile embeds.
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { DENO_JSON, MAIN } from "./support/run_main.ts";
import denoJson from "../deno.json" with { type: "json" };
import { EXAMPLE_CONFIG_YAML } from "../src/config/example_config.ts";
import { parseConfigText, resolveConfig } from "../src/config/load_config.ts";
import { ENV_NAMES } from "../src/cli/process_env.ts";
import { VERSION } from "../src/version.ts";

const ROOT = new URL("../", import.meta.url);
const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];
const tasks: Record<string, string> = denoJson.tasks;
/**
 * The permission flags of `deno task start` and of every compile task: the one
 * permission set deno.json declares for the proxy.
 */
const PERMISSIONS = ["-P=proxy"];

/** Splits a task into words (the tasks use no quoting except around `deno eval`). */
function words(task: string): string[] {
  return task.split(/\s+/);
}

function flagsOf(task: string): string[] {
  return words(task).filter((w) =>
    w.startsWith("--allow-") || w.startsWith("--deny-") || w.startsWith("--permission-set") ||
    w === "--ignore-env" || w === "-A" || w === "-P" || w.startsWith("-P=")
  );
}

async function denoJsonOutput(args: string[]): Promise<unknown> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("distribution: a compile task per target, output dist/codexgate-<target>[.exe]", () => {
  for (const target of TARGETS) {
    const task = tasks[`compile:${target}`];
    assert(task, `missing task compile:${target}`);
    const w = words(task);
    assertEquals(w.slice(0, 2), ["deno", "compile"]);
    assertEquals(w[w.indexOf("--target") + 1], target);
    const exe = target.includes("windows") ? ".exe" : "";
    assertEquals(w[w.indexOf("--output") + 1], `dist/codexgate-${target}${exe}`);
    assertEquals(w.at(-1), "main.ts", "the entry point comes last");
    assertEquals(flagsOf(task), PERMISSIONS, `permissions of compile:${target}`);
    // deno.json's "unstable" list must reach the binary too.
    for (const feature of denoJson.unstable) assert(w.includes(`--unstable-${feature}`), feature);
    assert(w.includes("--exclude-unused-npm"), "only the npm packages main.ts imports");
    // Deno says "Failed to resolve 'rundll32' for allow-run" at every start where an opener is
    // missing (always two of the three); --quiet keeps that noise out of the binary.
    assertEquals(w[2], "--quiet", `compile:${target} runs deno compile --quiet`);
  }
  assertEquals(
    tasks["compile:all"],
    TARGETS.map((t) => `deno task compile:${t}`).join(" && "),
  );
});

Deno.test("distribution: `deno task compile` builds the host target with the same flags", () => {
  const host = tasks.compile;
  assertStringIncludes(
    host,
    '--output dist/codexgate-$(deno eval "console.log(Deno.build.target)") main.ts',
  );
  assertEquals(flagsOf(host), PERMISSIONS);
  // Identical to the per-target tasks except for --target/--output.
  const strip = (t: string) => t.replace(/ --target \S+/, "").replace(/ --output .* main\.ts$/, "");
  for (const target of TARGETS) assertEquals(strip(tasks[`compile:${target}`]), strip(host));
  // `deno task start` runs with exactly the binary's permissions: dev runs what ships.
  assertEquals(flagsOf(tasks.start), PERMISSIONS);
  assertEquals(words(tasks.start).slice(0, 3), ["deno", "run", "--quiet"]);
  assert(
    !/\bdeno compile\b.*\s(-A|--allow-all|--allow-ffi|--allow-sys)\b/
      .test(JSON.stringify(tasks)),
  );
});

/** Every .ts file the binary runs (main.ts and src/). */
async function sourceFiles(): Promise<{ path: string; text: string }[]> {
  const out = [{ path: "main.ts", text: await Deno.readTextFile(MAIN) }];
  const walk = async (dir: URL, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(new URL(`${entry.name}/`, dir), `${rel}${entry.name}/`);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        out.push({
          path: `${rel}${entry.name}`,
          text: await Deno.readTextFile(new URL(entry.name, dir)),
        });
      }
    }
  };
  await walk(new URL("src/", ROOT), "src/");
  return out;
}

Deno.test("distribution: the env allow-list covers every variable the code reads", async () => {
  const used = new Set<string>();
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]{2,})\b/g, // env.HOME
    /\benv\(\s*"([A-Z][A-Z0-9_]{2,})"/g, // env("HOME")
    /\benv\[\s*"([A-Z][A-Z0-9_]{2,})"\s*\]/g, // env["HOME"]
    /Deno\.env\.get\(\s*"([A-Z][A-Z0-9_]{2,})"/g,
  ];
  for (const { text } of await sourceFiles()) {
    for (const p of patterns) for (const m of text.matchAll(p)) used.add(m[1]);
  }
  assert(used.has("USERPROFILE") && used.has("CODEX_HOME"), "the scan finds the known names");
  const missing = [...used].filter((name) => !ENV_NAMES.includes(name));
  assertEquals(
    missing,
    [],
    "add these to ENV_NAMES in src/cli/process_env.ts (the binary cannot see them)",
  );
  for (const { path, text } of await sourceFiles()) {
    const code = text.split("\n").filter((line) => !/^\s*(\*|\/\/)/.test(line)).join("\n");
    assert(!/Deno\.env\.toObject\(/.test(code), `${path}: read the env through readProcessEnv()`);
  }
});

Deno.test("distribution: the code needs no permission the binary lacks", async () => {
  const forbidden: [RegExp, string][] = [
    [
      /Deno\.(hostname|osRelease|osUptime|loadavg|networkInterfaces|systemMemoryInfo|uid|gid)\(/,
      "--allow-sys",
    ],
    [/from "node:os"/, "--allow-sys (node:os)"],
    [/node:child_process/, "--allow-run"],
    [/Deno\.dlopen\b/, "--allow-ffi"],
  ];
  // Running a program is allowed in one file, for the three browser openers the binary may run.
  const runners = (await sourceFiles()).filter(({ text }) => /Deno\.Command\b/.test(text));
  assertEquals(runners.map((f) => f.path), ["src/login/open_browser.ts"]);
  const commands = [...runners[0].text.matchAll(/command: "([^"]+)"/g)].map((m) => m[1]);
  assertEquals(commands.sort(), ["open", "rundll32", "xdg-open"]);
  for (const { path, text } of await sourceFiles()) {
    for (const [pattern, flag] of forbidden) {
      assert(
        !pattern.test(text),
        `${path} needs ${flag}: add it to every compile task and the start task`,
      );
    }
  }
});

Deno.test("distribution: every file the binary needs is imported, never read beside it", async () => {
  for (const { path, text } of await sourceFiles()) {
    const uses = text.match(/import\.meta\.(url|dirname|filename|resolve)\b/g) ?? [];
    assertEquals(
      uses,
      [],
      `${path} locates a file on disk; import it instead so compile embeds it`,
    );
    assert(!/^\s*import\s[^;]*["']https?:/m.test(text), `${path} imports from the network`);
  }
  // The module graph `deno compile main.ts` embeds.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", DENO_JSON, MAIN],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const specifiers = info.modules.map((m) => m.specifier);
  for (const file of ["config.example.yaml", "deno.json", "src/cli/doctor.ts", "src/cli/init.ts"]) {
    const url = new URL(file, ROOT).href;
    assert(specifiers.includes(url), `${file} is not in main.ts's module graph`);
  }
  assert(
    specifiers.every((s) => /^(file|npm|node):/.test(s)),
    "only local, npm and node: modules (nothing fetched at run time)",
  );
  // The npm packages main.ts reaches, which --exclude-unused-npm keeps in the binary.
  for (const name of ["yaml", "zod"]) {
    assert(specifiers.some((s) => s.startsWith(`npm:/${name}@`)), `npm ${name} is in the graph`);
  }
});

Deno.test("distribution: the embedded example config is the file on disk and loads", async () => {
  const onDisk = await Deno.readTextFile(new URL("config.example.yaml", ROOT));
  assertEquals(EXAMPLE_CONFIG_YAML, onDisk);
  const config = resolveConfig(parseConfigText(EXAMPLE_CONFIG_YAML, "embedded example"), {
    env: {},
    flags: {},
    source: "embedded example",
  });
  assertEquals(config.default_backend, "openai_codex");
  assertEquals(config.server.port, 8000);
});

Deno.test("distribution: --version comes from deno.json", () => {
  assertEquals(VERSION, denoJson.version);
  assert(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(VERSION), "a semver release tags can match");
});

Deno.test("distribution: the compile entry point type-checks", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--config", DENO_JSON, MAIN],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
});

Deno.test("distribution: service files for systemd, launchd and Task Scheduler", async () => {
  const read = (p: string) => Deno.readTextFile(new URL(p, ROOT));
  const unit = await read("contrib/codexgate.service");
  for (
    const line of [
      "[Service]",
      "ExecStart=%h/.local/bin/codexgate --config",
      "Restart=on-failure",
      "WantedBy=default.target",
    ]
  ) {
    assertStringIncludes(unit, line);
  }
  const plist = await read("contrib/com.codexgate.plist");
  for (
    const part of [
      "<key>Label</key>",
      "<key>ProgramArguments</key>",
      "<key>RunAtLoad</key>",
      "<key>KeepAlive</key>",
    ]
  ) {
    assertStringIncludes(plist, part);
  }
  // Balanced dict/array/plist tags: a typo here makes launchctl refuse the file.
  for (const tag of ["plist", "dict", "array"]) {
    assertEquals(plist.split(`<${tag}`).length, plist.split(`</${tag}>`).length, tag);
  }
  const ps1 = await read("contrib/register-codexgate-task.ps1");
  for (
    const part of [
      "Register-ScheduledTask",
      "New-ScheduledTaskTrigger -AtLogOn",
      "init --path",
      "-RestartCount",
    ]
  ) {
    assertStringIncludes(ps1, part);
  }
});

Deno.test("distribution: the proxy permission set is network, files, codexgate's env names and the browser openers", () => {
  const set = denoJson.permissions.proxy;
  assertEquals(Object.keys(set).sort(), ["env", "net", "read", "run", "write"], "nothing else");
  assertEquals(set.env, { allow: [...ENV_NAMES], ignore: true });
  // `codexgate login` opens the browser with these, and may run nothing else.
  assertEquals([...set.run].sort(), ["open", "rundll32", "xdg-open"]);
});

Deno.test("distribution: run with the proxy set, a process gets exactly that set", async () => {
  const probe = fileURLToPath(new URL("support/permission_probe.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", DENO_JSON, "--no-prompt", "-P=proxy", probe, ...ENV_NAMES],
    env: { CODEXGATE_PROBE_UNLISTED: "set" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const seen = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals([seen.net, seen.read, seen.write], ["granted", "granted", "granted"]);
  for (const kind of ["run", "ffi", "sys"]) assert(seen[kind] !== "granted", `${kind} is granted`);
  assertEquals(seen.env, Object.fromEntries(ENV_NAMES.map((name) => [name, "granted"])));
  assertEquals(seen.unlistedVariable, "unset");
});

Deno.test("distribution: deno.lock and deno.json's imports hold only what main.ts reaches", async () => {
  // `deno task` installs every npm package of deno.json's imports and of deno.lock before it
  // runs a task; the test clients live in tests/deno.lock and the `./tests/` import scope.
  const info = await denoJsonOutput(["info", "--json", "--config", DENO_JSON, MAIN]) as {
    modules: { kind?: string; npmPackage?: string }[];
    npmPackages: Record<string, { dependencies?: string[] }>;
  };
  // `npmPackages` also lists whatever deno.lock holds: follow the graph's own npm imports and
  // their dependencies instead.
  const reachedSet = new Set<string>();
  const visit = (id: string) => {
    if (reachedSet.has(id)) return;
    reachedSet.add(id);
    for (const dep of info.npmPackages[id]?.dependencies ?? []) visit(dep);
  };
  for (const module of info.modules) if (module.npmPackage) visit(module.npmPackage);
  const reached = [...reachedSet].sort();
  assert(reached.length > 0, "main.ts reaches npm packages (yaml, zod)");
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", ROOT))) as {
    npm?: Record<string, unknown>;
  };
  assertEquals(
    Object.keys(lock.npm ?? {}).sort(),
    reached,
    "deno.lock must hold only main.ts's packages: run single tests with `deno task test <file>` " +
      "(it uses tests/deno.lock), and restore deno.lock with `git checkout deno.lock`",
  );
  const packageOf = (specifier: string) => specifier.replace(/^npm:/, "").replace(/@[^@]*$/, "");
  for (const specifier of Object.values(denoJson.imports)) {
    assert(
      reached.some((p) => p.startsWith(`${packageOf(specifier)}@`)),
      `${specifier} is not used by main.ts: import it in the "./tests/" scope instead`,
    );
  }
});
