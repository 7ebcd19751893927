/**
 * The table a benchmark prints at the end. Throughput rows carry req/s, latency and a ratio to
 * a baseline measured in the same run; value rows carry one figure with its unit (start-up
 * time, memory). Figures are reported, never judged: nothing here passes or fails.
 */
import type { LoadSummary } from "./load.js";
import { pairedCpuRatio, pairedRatio } from "./load.js";

export type ReportRow =
  | {
      readonly kind: "load";
      readonly label: string;
      readonly rps: number;
      readonly p50Ms: number;
      readonly p99Ms: number;
      /** Relative to the baseline given with the row; undefined without one. */
      readonly ratio: number | undefined;
      /** The server's CPU per request in µs, when measured. */
      readonly cpuUs: number | undefined;
      /** The baseline's CPU per request over this row's (above 1: less CPU per request); undefined without both. */
      readonly cpuRatio: number | undefined;
      readonly note: string;
    }
  | { readonly kind: "value"; readonly label: string; readonly value: number; readonly unit: string; readonly digits: number; readonly note: string }
  /** An outcome that is not a number: "unsupported", a correctness check's verdict. */
  | { readonly kind: "text"; readonly label: string; readonly text: string; readonly note: string };

export class Report {
  readonly rows: ReportRow[] = [];
  readonly notes: string[] = [];

  constructor(readonly title: string) {}

  /** A load summary; with `baseline`, its throughput ratio to it (paired by run). */
  load(summary: LoadSummary, options: { baseline?: LoadSummary; label?: string; note?: string } = {}): this {
    const ratio = options.baseline === undefined ? undefined : options.baseline === summary ? 1 : pairedRatio(summary, options.baseline);
    const cpuRatio =
      options.baseline === undefined || summary.cpuUsPerRequest === undefined ? undefined : options.baseline === summary ? 1 : pairedCpuRatio(summary, options.baseline);
    const label = options.label ?? summary.label;
    // The spread over the runs, so a reader sees how noisy the median is.
    const rates = summary.runs.map((r) => Math.round(r.rps));
    const spread = rates.length > 1 ? `runs ${Math.min(...rates)}-${Math.max(...rates)} req/s` : "";
    this.rows.push({
      kind: "load",
      label,
      rps: summary.rps,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      ratio,
      cpuUs: summary.cpuUsPerRequest,
      cpuRatio,
      note: options.note ?? spread,
    });
    if (summary.errors + summary.non2xx > 0) {
      this.notes.push(`warning: ${label}: ${summary.errors} connection errors and ${summary.non2xx} non-2xx answers over ${summary.runs.length} runs; its figures are suspect`);
    }
    return this;
  }

  value(label: string, value: number, unit: string, options: { digits?: number; note?: string } = {}): this {
    this.rows.push({ kind: "value", label, value, unit, digits: options.digits ?? 0, note: options.note ?? "" });
    return this;
  }

  text(label: string, text: string, options: { note?: string } = {}): this {
    this.rows.push({ kind: "text", label, text, note: options.note ?? "" });
    return this;
  }

  note(text: string): this {
    this.notes.push(text);
    return this;
  }

  render(): string {
    // The server-CPU columns appear only in tables that measured it.
    const cpu = this.rows.some((r) => r.kind === "load" && r.cpuUs !== undefined);
    const header = ["benchmark", "req/s", "p50 ms", "p99 ms", "ratio", ...(cpu ? ["cpu µs/req", "cpu ratio"] : []), ""];
    const blank = cpu ? ["", "", "", "", ""] : ["", "", ""];
    const cells = this.rows.map((r) =>
      r.kind === "load"
        ? [
            r.label,
            Math.round(r.rps).toString(),
            r.p50Ms.toFixed(2),
            r.p99Ms.toFixed(2),
            r.ratio === undefined ? "" : r.ratio.toFixed(2),
            ...(cpu ? [r.cpuUs === undefined ? "" : r.cpuUs.toFixed(1), r.cpuRatio === undefined ? "" : r.cpuRatio.toFixed(2)] : []),
            r.note,
          ]
        : r.kind === "value"
          ? [r.label, `${r.value.toFixed(r.digits)} ${r.unit}`, ...blank, r.note]
          : [r.label, r.text, ...blank, r.note],
    );
    const all = [header, ...cells];
    const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
    const line = (row: readonly string[]): string =>
      row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          if (i === 0 || i === row.length - 1) return cell.padEnd(width);
          return cell.padStart(width);
        })
        .join("  ")
        .trimEnd();
    return [`== ${this.title}`, line(header), ...cells.map(line), ...this.notes.map((n) => `  ${n}`), ""].join("\n");
  }

  toJSON(): { title: string; rows: ReportRow[]; notes: string[] } {
    return { title: this.title, rows: this.rows, notes: this.notes };
  }
}
