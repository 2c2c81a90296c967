// axe-core in the page under test, the way its own docs load it into a browser: the library's
// source evaluated in the page (through the DevTools protocol, so the page's strict CSP, which
// allows no inline script, still holds for everything the page itself runs).
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = require("axe-core").source;

export interface Violation {
	id: string;
	impact: string | null;
	help: string;
	nodes: { target: string[]; failureSummary?: string }[];
}

/** The WCAG 2.0/2.1/2.2 A and AA rules (and axe's best practices) on the page as it stands. */
export async function axe(page: Page): Promise<Violation[]> {
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		// biome-ignore lint/suspicious/noExplicitAny: axe is the global the evaluated source defines
		const run = (globalThis as any).axe.run as (ctx: unknown, opts: unknown) => Promise<{ violations: Violation[] }>;
		const result = await run(document, {
			runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
			resultTypes: ["violations"],
		});
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
		}));
	});
}

export const blocking = (v: Violation) => v.impact === "serious" || v.impact === "critical";

/** One line per rule and node, for a failure message a person can act on. */
export function describeViolations(where: string, violations: Violation[]): string {
	return violations
		.map(
			(v) =>
				`${where}: [${v.impact}] ${v.id} — ${v.help}\n${v.nodes
					.slice(0, 5)
					.map((n) => `    ${n.target.join(" ")}: ${(n.failureSummary ?? "").split("\n").slice(0, 2).join(" ")}`)
					.join("\n")}${v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : ""}`,
		)
		.join("\n");
}
