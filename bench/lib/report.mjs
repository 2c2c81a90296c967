// Printing and saving a bench run: a console table, and markdown + JSON under bench/reports/.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const reportsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../reports");

const fmt = {
	rps: (n) => Math.round(n).toLocaleString("en-US"),
	ms: (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
	cpu: (n) => (n == null ? "-" : n.toFixed(2)),
};

const COLUMNS = [
	["target", (r) => r.target],
	["runtime", (r) => r.runtime],
	["conc", (r) => String(r.concurrency)],
	["req/s", (r) => fmt.rps(r.rps)],
	["p50 ms", (r) => fmt.ms(r.p50)],
	["p99 ms", (r) => fmt.ms(r.p99)],
	["err/non2xx", (r) => `${r.errors}/${r.non2xx}`],
	["srv cores", (r) => fmt.cpu(r.serverCpu)],
	["client", (r) => fmt.cpu(r.clientCpu)],
	["other", (r) => fmt.cpu(r.otherCpu)],
];

export function textTable(rows) {
	const cells = rows.map((r) => COLUMNS.map(([, f]) => f(r)));
	const widths = COLUMNS.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (vals) => vals.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
	return [line(COLUMNS.map(([h]) => h)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function markdownTable(rows) {
	const head = `| ${COLUMNS.map(([h]) => h).join(" | ")} |`;
	const sep = `| ${COLUMNS.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`;
	return [head, sep, ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(" | ")} |`)].join("\n");
}

export function checkLines(checks) {
	return checks.map((c) => `${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.value} (target ${c.target})`);
}

/** bench/reports/<scenario>-<date>.md/.json for a run started at `started`; logs where they went. */
export function writeReport(scenario, started, { markdownBody, json }, log) {
	const minute = started.toISOString().slice(0, 16);
	const name = `${scenario}-${minute.replace(/[:T]/g, "-")}`;
	const title = `${scenario[0].toUpperCase()}${scenario.slice(1)} bench, ${minute.replace("T", " ")} UTC`;
	mkdirSync(reportsDir, { recursive: true });
	const md = join(reportsDir, `${name}.md`);
	const js = join(reportsDir, `${name}.json`);
	writeFileSync(md, `# ${title}\n\n${markdownBody}\n`);
	writeFileSync(js, `${JSON.stringify(json, null, "\t")}\n`);
	log(`\nreport: ${md}\n        ${js}`);
}

/**
 * A table from `[header, (row) => cell]` columns: aligned text for the console, or markdown. The
 * first column is left-aligned, the others right-aligned (numbers).
 */
export function formatTable(columns, rows, { markdown = false } = {}) {
	const cells = rows.map((r) => columns.map(([, f]) => f(r)));
	if (markdown) {
		const head = `| ${columns.map(([h]) => h).join(" | ")} |`;
		const sep = `| ${columns.map((_, i) => (i < 1 ? "---" : "---:")).join(" | ")} |`;
		return [head, sep, ...cells.map((c) => `| ${c.join(" | ")} |`)].join("\n");
	}
	const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (vals) => vals.map((v, i) => (i < 1 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
	return [line(columns.map(([h]) => h)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
