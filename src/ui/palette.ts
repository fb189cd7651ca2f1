/**
 * The status page's colours, in one place so a test can check their
 * contrast (docs/status-page.md#accessibility). The page gets them as CSS
 * variables; chart series get classes `s0`…`s5`.
 *
 * @module
 */

/** Named colours of the page (dark theme). */
export const PALETTE = {
  bg: "#0f1419",
  panel: "#1a2029",
  track: "#2d3642",
  text: "#e6e9ef",
  muted: "#a3acb9",
  accent: "#6cb6ff",
  ok: "#56d364",
  warn: "#e3b341",
  err: "#ff7b72",
  focus: "#ffd33d",
} as const;

/** Colours of the chart's series, one per model (cycled). */
export const SERIES = ["#6cb6ff", "#56d364", "#e3b341", "#d2a8ff", "#ff9bce", "#76e3ea"] as const;

/** The palette as CSS: `:root` variables and the series classes. */
export function paletteCss(): string {
  const vars = Object.entries(PALETTE).map(([name, value]) => `--${name}:${value}`).join(";");
  const series = SERIES.map((colour, i) => `.s${i}{fill:${colour};background:${colour}}`).join("");
  return `:root{${vars}}${series}`;
}
