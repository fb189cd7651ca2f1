/**
 * A small Prometheus registry: counters, gauges and histograms with labels,
 * written in the text exposition format (version 0.0.4). No dependency:
 * the format is a few lines per family (docs/metrics.md).
 *
 * @module
 */

/** Label names → values of one series. */
export type Labels = Record<string, string>;

/** The `Content-Type` of the exposition. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Most series one family keeps; later label sets fold into `other` (a scanner cannot blow it up). */
const MAX_SERIES = 2000;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

abstract class Family<T> {
  readonly #series = new Map<string, { labels: Labels; value: T }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected abstract initial(): T;
  abstract readonly type: string;
  protected abstract lines(labels: Labels, value: T): string[];

  protected series(labels: Labels): { labels: Labels; value: T } {
    let ordered: Labels = Object.fromEntries(this.labelNames.map((n) => [n, labels[n] ?? ""]));
    let key = JSON.stringify(ordered);
    if (!this.#series.has(key) && this.#series.size >= MAX_SERIES) {
      ordered = Object.fromEntries(this.labelNames.map((n) => [n, "other"]));
      key = JSON.stringify(ordered);
    }
    let s = this.#series.get(key);
    if (!s) this.#series.set(key, s = { labels: ordered, value: this.initial() });
    return s;
  }

  /** Forgets every series (gauges rebuilt at each scrape). */
  reset(): void {
    this.#series.clear();
  }

  /** The family in the exposition format. */
  render(): string {
    const out = [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} ${this.type}`,
    ];
    for (const { labels, value } of this.#series.values()) out.push(...this.lines(labels, value));
    return out.join("\n") + "\n";
  }
}

/** A value that only goes up. */
export class Counter extends Family<{ n: number }> {
  readonly type = "counter";
  protected initial(): { n: number } {
    return { n: 0 };
  }
  /** Adds `by` (default 1). */
  inc(labels: Labels = {}, by = 1): void {
    if (by > 0) this.series(labels).value.n += by;
  }
  protected lines(labels: Labels, value: { n: number }): string[] {
    return [`${this.name}${labelText(labels)} ${numberText(value.n)}`];
  }
}

/** A value that is set. */
export class Gauge extends Family<{ n: number }> {
  readonly type = "gauge";
  protected initial(): { n: number } {
    return { n: 0 };
  }
  /** Sets the series' value. */
  set(labels: Labels, n: number): void {
    this.series(labels).value.n = n;
  }
  protected lines(labels: Labels, value: { n: number }): string[] {
    return [`${this.name}${labelText(labels)} ${numberText(value.n)}`];
  }
}

interface HistogramValue {
  buckets: number[];
  sum: number;
  count: number;
}

/** Observations counted into cumulative buckets. */
export class Histogram extends Family<HistogramValue> {
  readonly type = "histogram";
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  protected initial(): HistogramValue {
    return { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
  }
  /** Records one observation. */
  observe(labels: Labels, value: number): void {
    const v = this.series(labels).value;
    this.bounds.forEach((b, i) => {
      if (value <= b) v.buckets[i]++;
    });
    v.sum += value;
    v.count++;
  }
  protected lines(labels: Labels, value: HistogramValue): string[] {
    const out = this.bounds.map((b, i) =>
      `${this.name}_bucket${labelText({ ...labels, le: numberText(b) })} ${value.buckets[i]}`
    );
    out.push(`${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${value.count}`);
    out.push(`${this.name}_sum${labelText(labels)} ${numberText(value.sum)}`);
    out.push(`${this.name}_count${labelText(labels)} ${value.count}`);
    return out;
  }
}
