/**
 * The GitHub workflows parse and do what docs/install.md describes; the
 * scripts they call work (run here against main.ts, since `deno compile`
 * cannot run here).
 */
import YAML from "yaml";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { DENO_JSON, freePort, MAIN } from "./support/run_main.ts";
import denoJson from "../deno.json" with { type: "json" };

const ROOT = new URL("../", import.meta.url);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  strategy?: { matrix: Record<string, unknown> };
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

async function workflow(name: string): Promise<Workflow> {
  const text = await Deno.readTextFile(new URL(`.github/workflows/${name}`, ROOT));
  const doc = YAML.parseDocument(text, { strict: true, uniqueKeys: true });
  assertEquals(doc.errors.map((e) => e.message), [], `${name} is not valid YAML`);
  return doc.toJS() as Workflow;
}

/** Steps that run a command containing `part`. */
function runSteps(job: Job, part: string): Step[] {
  return job.steps.filter((s) => s.run?.includes(part));
}

/** Every `deno task X` and `.ci/X` a workflow runs must exist. */
async function assertReferencesExist(wf: Workflow): Promise<void> {
  const tasks = Object.keys(denoJson.tasks);
  for (const job of Object.values(wf.jobs)) {
    for (const step of job.steps) {
      for (const m of (step.run ?? "").matchAll(/deno task (\S+)/g)) {
        assert(tasks.includes(m[1]), `deno task ${m[1]} does not exist`);
      }
      for (const m of (step.run ?? "").matchAll(/\.ci\/([\w.-]+)/g)) {
        await Deno.stat(new URL(`.ci/${m[1]}`, ROOT));
      }
    }
  }
}

Deno.test("workflows: ci.yml runs .ci/run with bash on Linux, macOS and Windows", async () => {
  const wf = await workflow("ci.yml");
  assert("push" in wf.on && "pull_request" in wf.on);
  const test = wf.jobs.test;
  assertEquals(test.strategy?.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
  assertEquals(test["runs-on"], "${{ matrix.os }}");
  const run = runSteps(test, ".ci/run");
  assertEquals(run.length, 1);
  assertEquals(run[0].shell, "bash", ".ci/run is bash: Windows needs shell: bash");
  assert(test.steps.some((s) => s.uses?.startsWith("denoland/setup-deno@")));
  await assertReferencesExist(wf);
});

Deno.test("workflows: ci.yml compiles the host binary and smoke-tests it", async () => {
  const wf = await workflow("ci.yml");
  const smoke = wf.jobs["compile-smoke"];
  assert(smoke, "compile-smoke job");
  assertEquals(smoke.strategy?.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
  const names = smoke.steps.map((s) => s.run ?? s.uses ?? "");
  const compile = names.findIndex((r) => r === "deno task compile");
  const check = names.findIndex((r) => r.includes(".ci/smoke_binary dist/codexgate-*"));
  assert(compile >= 0 && check > compile, "compile, then smoke-test");
  for (const step of smoke.steps.filter((s) => s.run)) assertEquals(step.shell, "bash");
  // The smoke script covers --version, --help and /health.
  const script = await Deno.readTextFile(new URL(".ci/smoke_binary", ROOT));
  for (const part of ['"$bin" --version', '"$bin" --help', "/health", '"$bin" init']) {
    assertStringIncludes(script, part);
  }
});

Deno.test("workflows: release.yml on v* tags checks the version, compiles all, checksums, releases", async () => {
  const wf = await workflow("release.yml");
  assertEquals(wf.on, { push: { tags: ["v*"] } });
  const build = wf.jobs.build;
  const order = [
    '.ci/check_tag_version "$GITHUB_REF_NAME"',
    ".ci/run",
    "deno task compile:all",
    "sha256sum codexgate-* > SHA256SUMS.txt",
  ].map((part) => build.steps.findIndex((s) => s.run?.includes(part)));
  assert(
    order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
    `steps in order: ${order}`,
  );
  const upload = build.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  assertEquals(upload?.with?.path, "dist/");

  const smoke = wf.jobs.smoke;
  assertEquals(smoke.needs, "build");
  const include = smoke.strategy?.matrix.include as { target: string; exe: string }[];
  assertEquals(
    include.map((i) => i.target).sort(),
    [
      "aarch64-apple-darwin",
      "aarch64-unknown-linux-gnu",
      "x86_64-pc-windows-msvc",
      "x86_64-unknown-linux-gnu",
    ],
  );
  assertEquals(include.find((i) => i.target.includes("windows"))?.exe, ".exe");
  assertEquals(runSteps(smoke, ".ci/smoke_binary").length, 1);

  const publish = wf.jobs.publish;
  assertEquals(publish.needs, "smoke");
  assertEquals(publish.permissions, { contents: "write" });
  assertEquals(wf.permissions, { contents: "read" }, "only publish may write");
  const release = runSteps(publish, "gh release create")[0];
  assert(release, "gh release create");
  assertStringIncludes(release.run!, "dist/codexgate-* dist/SHA256SUMS.txt");
  assertEquals(release.env?.GH_TOKEN, "${{ github.token }}");
  await assertReferencesExist(wf);
});

async function bash(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("bash", {
    args,
    cwd: new URL(".", ROOT),
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const HAVE_BASH_AND_CURL = Deno.build.os !== "windows" &&
  (await bash(["-c", "command -v curl"]).catch(() => ({ code: 1 }))).code === 0;
if (!HAVE_BASH_AND_CURL) {
  console.warn("SKIPPED: the .ci script tests need bash and curl on a POSIX host");
}

Deno.test({
  name: "workflows: .ci/check_tag_version accepts v<deno.json version> only",
  ignore: !HAVE_BASH_AND_CURL,
  fn: async () => {
    const ok = await bash([".ci/check_tag_version", `v${denoJson.version}`]);
    assertEquals(ok.code, 0, ok.stderr);
    for (const tag of [denoJson.version, `v${denoJson.version}.1`, "v0.0.0-other"]) {
      const bad = await bash([".ci/check_tag_version", tag]);
      assertEquals(bad.code, 1, tag);
      assertStringIncludes(
        bad.stderr,
        `tag ${tag} does not match deno.json's version ${denoJson.version}`,
      );
    }
  },
});

Deno.test({
  name: "workflows: .ci/smoke_binary passes against main.ts run with the binary's permissions",
  ignore: !HAVE_BASH_AND_CURL,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "codexgate-smoke-" });
    try {
      // A stand-in for the compiled binary: the same entry point and permission set (-P=proxy).
      const flags = denoJson.tasks.start.replace(/^deno run /, "").replace(/ main\.ts$/, "");
      const denoDir = JSON.parse(
        new TextDecoder().decode(
          (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
            .output()).stdout,
        ),
      ).denoDir;
      const shim = `${dir}/codexgate`;
      await Deno.writeTextFile(
        shim,
        `#!/bin/sh\nDENO_DIR='${denoDir}' exec '${Deno.execPath()}' run --config '${DENO_JSON}' ${flags} '${MAIN}' "$@"\n`,
        { mode: 0o755 },
      );
      const port = String(freePort());
      const res = await bash([".ci/smoke_binary", shim], {
        SMOKE_PORT: port,
        PATH: Deno.env.get("PATH") ?? "",
        HOME: dir,
      });
      assertEquals(res.code, 0, res.stdout + res.stderr);
      assertStringIncludes(res.stdout, `codexgate ${denoJson.version}`);
      assertStringIncludes(res.stdout, '"status":"ok"');
      assertStringIncludes(res.stdout, "--- smoke test passed");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
