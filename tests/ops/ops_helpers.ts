/**
 * Small helpers shared by the ops tests.
 *
 * @module
 */

/** Posts a chat completion and returns status, headers and the parsed or raw body. */
export async function postChat(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], ...body }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch { /* a stream */ }
  return { status: res.status, headers: res.headers, json, text };
}

/** The `error` object of an OpenAI-shaped error body. */
export function errorOf(json: Record<string, unknown>): {
  message: string;
  code: string | null;
  type: string;
  request_id: string;
} {
  return json.error as { message: string; code: string | null; type: string; request_id: string };
}

/** Resolves true when `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `check` is true, polling every 20 ms for up to `ms`. */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error("waitFor: condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
