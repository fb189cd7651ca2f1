/** The status page's colours are readable: WCAG contrast ratios of the pairs the page uses. */
import { assert } from "../support/assert.ts";
import { PALETTE, paletteCss, SERIES } from "../../src/ui/palette.ts";

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

Deno.test("palette: the contrast formula agrees with known values", () => {
  assert(Math.abs(contrast("#000000", "#ffffff") - 21) < 0.01, "black on white is 21:1");
  assert(Math.abs(contrast("#777777", "#ffffff") - 4.48) < 0.01, "#777 on white is 4.48:1");
});

Deno.test("palette: text, states and errors are readable (≥ 4.5:1) on the page and on panels", () => {
  const texts = ["text", "muted", "accent", "ok", "warn", "err"] as const;
  for (const ground of ["bg", "panel"] as const) {
    for (const text of texts) {
      const ratio = contrast(PALETTE[text], PALETTE[ground]);
      assert(ratio >= 4.5, `${text} on ${ground}: ${ratio.toFixed(2)}:1`);
    }
  }
  const button = contrast(PALETTE.bg, PALETTE.accent);
  assert(button >= 4.5, `button text on accent: ${button.toFixed(2)}:1`);
});

Deno.test("palette: the focus ring, bars and chart series stand out from what they sit on (≥ 3:1)", () => {
  for (const ground of [PALETTE.bg, PALETTE.panel]) {
    assert(contrast(PALETTE.focus, ground) >= 3, `focus on ${ground}`);
    for (const colour of SERIES) assert(contrast(colour, ground) >= 3, `${colour} on ${ground}`);
  }
  for (const bar of [PALETTE.ok, PALETTE.warn, PALETTE.err]) {
    assert(contrast(bar, PALETTE.track) >= 3, `bar ${bar} on its track`);
  }
  const css = paletteCss();
  assert(css.includes(`--text:${PALETTE.text}`) && css.includes(`.s0{fill:${SERIES[0]}`), css);
});
