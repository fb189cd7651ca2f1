/**
 * The Codex agent's standard tool set, for `tool_schema_mode` `codex_default`
 * and `merge_custom` (docs/clients.md#capabilities). Names match the tools
 * the Codex models are
 * trained to call; the descriptions and JSON schemas are codexgate's own.
 * codexgate never runs these tools: every call goes back to the client.
 *
 * @module
 */
import type { FunctionTool } from "../request/request_model.ts";

const shell: FunctionTool = {
  type: "function",
  name: "shell",
  description: "Run a program on the user's machine and return its exit code and output. " +
    'Give the program and its arguments as a list; for shell syntax use ["bash", "-lc", "<script>"].',
  strict: false,
  parameters: {
    type: "object",
    properties: {
      command: {
        type: "array",
        items: { type: "string" },
        description: "The program followed by its arguments.",
      },
      workdir: {
        type: "string",
        description: "Directory to run in (default: the session's working directory).",
      },
      timeout_ms: {
        type: "number",
        description: "Stop the program after this many milliseconds.",
      },
    },
    required: ["command"],
    additionalProperties: false,
  },
};

const applyPatch: FunctionTool = {
  type: "function",
  name: "apply_patch",
  description:
    "Create, change, move or delete files with one patch. The patch starts with the line " +
    "`*** Begin Patch` and ends with `*** End Patch`. Each file section starts with " +
    "`*** Add File: <path>` (then every line prefixed with +), `*** Delete File: <path>`, or " +
    "`*** Update File: <path>` (optionally followed by `*** Move to: <path>`), then hunks that " +
    "start with `@@` and list context lines (prefix space), removed lines (-) and added lines (+).",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      input: { type: "string", description: "The whole patch text." },
    },
    required: ["input"],
    additionalProperties: false,
  },
};

const updatePlan: FunctionTool = {
  type: "function",
  name: "update_plan",
  description: "Record the task plan as short steps and their status, so the user can follow " +
    "progress. Keep at most one step in_progress at a time.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      explanation: { type: "string", description: "Why the plan changed (optional)." },
      plan: {
        type: "array",
        description: "The steps, in order.",
        items: {
          type: "object",
          properties: {
            step: { type: "string", description: "What to do, in a few words." },
            status: { type: "string", enum: ["pending", "in_progress", "completed"] },
          },
          required: ["step", "status"],
          additionalProperties: false,
        },
      },
    },
    required: ["plan"],
    additionalProperties: false,
  },
};

const viewImage: FunctionTool = {
  type: "function",
  name: "view_image",
  description: "Show an image file from the user's machine to the model.",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      path: { type: "string", description: "Path of the image file." },
    },
    required: ["path"],
    additionalProperties: false,
  },
};

/** shell, apply_patch, update_plan and view_image, deeply frozen (shared by every request). */
export const CODEX_TOOLS: readonly FunctionTool[] = deepFreeze([
  shell,
  applyPatch,
  updatePlan,
  viewImage,
]);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
