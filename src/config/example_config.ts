/**
 * The commented example config, embedded by import so that `deno compile`
 * puts it inside the binary (no file beside the binary is needed).
 *
 * @module
 */
import text from "../../config.example.yaml" with { type: "text" };

/** The text of config.example.yaml, exactly as in the repository. */
export const EXAMPLE_CONFIG_YAML: string = text;
