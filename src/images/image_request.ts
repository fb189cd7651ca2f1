/**
 * OpenAI's Images API request (`POST /v1/images/generations`, `/edits`) →
 * the Codex backend's images body (docs/backend-protocol.md#images): JSON
 * both ways, the input images of an edit as data URLs. OpenAI's SDKs send an
 * edit as multipart form data; a JSON edit with `images: [{image_url}]` is
 * taken too.
 *
 * @module
 */
import { badRequest } from "../errors.ts";

/** Which images call. */
export type ImageOperation = "generations" | "edits";

/** The image routes, by path. */
export const IMAGE_ROUTES: Readonly<Record<string, ImageOperation>> = {
  "/v1/images/generations": "generations",
  "/v1/images/edits": "edits",
};

/** The backend's images body. */
export interface BackendImageBody {
  prompt: string;
  model: string;
  images?: { image_url: string }[];
  background?: string;
  n?: number;
  quality?: string;
  size?: string;
}

/** A parsed client request: the backend body and what the answer must look like. */
export interface ImageRequest {
  body: BackendImageBody;
  /** The model as the client named it (routing may strip a backend prefix). */
  model?: string;
  /** `url` answers carry a data URL in `url` instead of `b64_json`. */
  responseFormat: "b64_json" | "url";
  /** Client fields the backend does not take, for the debug log. */
  dropped: string[];
}

/** Client fields passed on as they are. */
const PASSED_ON = ["background", "quality", "size"] as const;
/** Fields read here; anything else is dropped. */
const READ = new Set(["prompt", "model", "n", "response_format", "image", "image[]", "images"]);

/**
 * Reads and checks the client's request.
 *
 * @throws {ProxyError} 400 for a missing prompt, a bad `n`, an edit without an image.
 */
export async function readImageRequest(
  request: Request,
  operation: ImageOperation,
  options: {
    /** Reads the JSON body within the server's bounds. */
    readJson: () => Promise<Record<string, unknown>>;
    /** Reads a multipart body within the same bounds (the SDK's image uploads). */
    readForm: () => Promise<FormData>;
    defaultModel: string;
  },
): Promise<ImageRequest> {
  const type = request.headers.get("content-type") ?? "";
  const fields = type.startsWith("multipart/form-data")
    ? await formFields(await options.readForm())
    : await options.readJson();
  const prompt = fields.prompt;
  if (typeof prompt !== "string" || prompt.trim() === "") {
    throw badRequest("`prompt` is required and must be a non-empty string", { param: "prompt" });
  }
  const model = typeof fields.model === "string" && fields.model !== "" ? fields.model : undefined;
  const body: BackendImageBody = { prompt, model: model ?? options.defaultModel };
  for (const key of PASSED_ON) {
    if (typeof fields[key] === "string" && fields[key] !== "") body[key] = fields[key];
  }
  if (fields.n !== undefined && fields.n !== null) {
    const n = Number(fields.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) {
      throw badRequest("`n` must be an integer from 1 to 10", { param: "n" });
    }
    body.n = n;
  }
  const format = fields.response_format ?? "b64_json";
  if (format !== "b64_json" && format !== "url") {
    throw badRequest("`response_format` must be `b64_json` or `url`", { param: "response_format" });
  }
  if (operation === "edits") {
    const images = inputImages(fields);
    if (images.length === 0) {
      throw badRequest("An edit needs at least one input image (`image`)", { param: "image" });
    }
    body.images = images.map((image_url) => ({ image_url }));
  }
  const dropped = Object.keys(fields).filter((k) =>
    !READ.has(k) && !(PASSED_ON as readonly string[]).includes(k)
  );
  return { body, model, responseFormat: format, dropped };
}

/** Multipart fields, files as data URLs (the backend takes images inline). */
async function formFields(form: FormData): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    const item = typeof value === "string" ? value : await dataUrl(value);
    if (key === "image" || key === "image[]") {
      fields.image = [...(fields.image as string[] | undefined ?? []), item];
    } else fields[key] = item;
  }
  return fields;
}

async function dataUrl(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return `data:${file.type || "image/png"};base64,${base64(bytes)}`;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: one call with megabytes of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The input images of an edit: multipart files, or JSON `images[].image_url` / `image`. */
function inputImages(fields: Record<string, unknown>): string[] {
  const urls: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === "string" && value !== "") urls.push(value);
    else if (value && typeof value === "object" && "image_url" in value) {
      const url = (value as { image_url: unknown }).image_url;
      if (typeof url === "string" && url !== "") urls.push(url);
    }
  };
  for (const key of ["image", "images"]) {
    const value = fields[key];
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  return urls;
}
