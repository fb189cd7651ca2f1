/**
 * `{type: "json_object", schema}`: an extension several providers accept
 * (instructor's JSON_SCHEMA mode sends it). The backend's `json_object`
 * takes no schema, so it goes as a non-strict JSON-schema format: the model
 * sees the schema, and a schema written for a lenient provider is not refused
 * by strict mode's rules. See docs/compatibility.md.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** The JSON-schema format for a `json_object` format with a schema, else undefined. */
export function schemaFormatOfJsonObject(format: Json): Json | undefined {
  const schema = format.schema;
  if (format.type !== "json_object" || !schema || typeof schema !== "object") return undefined;
  if (Array.isArray(schema)) return undefined;
  const name = typeof format.name === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(format.name)
    ? format.name
    : "response";
  return { type: "json_schema", name, schema, strict: false };
}
