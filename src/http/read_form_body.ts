/**
 * A `multipart/form-data` body (the OpenAI SDK's image uploads), read within
 * the same bounds as a JSON body: size and deadlines (docs/security.md).
 * A web page can send this type without a preflight, so only the browser
 * guard's Origin check keeps pages out; the route that takes it says so.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import type { RequestBody } from "./request_body.ts";

/**
 * Reads and parses the form.
 *
 * @throws {ProxyError} 413 beyond `limitBytes`, 408 past a deadline, 400 for a broken form.
 */
export async function readFormBody(
  request: Request,
  body: RequestBody,
  limitBytes: number,
): Promise<FormData> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  const bytes = await body.readAll(
    limitBytes,
    Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined,
  );
  try {
    return await new Response(new Uint8Array(bytes), {
      headers: { "content-type": request.headers.get("content-type") ?? "" },
    }).formData();
  } catch (err) {
    throw badRequest(`The multipart body could not be read: ${(err as Error).message}`);
  }
}
