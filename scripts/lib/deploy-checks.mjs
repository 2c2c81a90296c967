// Checks that what deploys the shop still matches the repository, for `npm test`: the Worker
// bundles (`wrangler deploy --dry-run`, offline) and the core's Dockerfile copies files that exist
// and runs the Bun version package.json pins. There is no Docker daemon where the tests run, so
// the image itself is not built; these catch what usually breaks it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Every build-context source of every `COPY` without `--from` (globs are not used there) must
 * exist and not be excluded by .dockerignore's plain directory entries.
 * @returns {string[]} problems, empty when the Dockerfile is fine
 */
export function dockerfileProblems(root) {
	const problems = [];
	const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
	// Continuation lines joined, comments dropped.
	const lines = dockerfile
		.replace(/\\\r?\n/g, " ")
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter((l) => l && !l.startsWith("#"));
	const ignored = existsSync(join(root, ".dockerignore"))
		? readFileSync(join(root, ".dockerignore"), "utf8")
				.split(/\r?\n/)
				.map((l) => l.trim())
				.filter((l) => l && !l.startsWith("#") && !/[*?!]/.test(l))
		: [];
	for (const line of lines) {
		const m = line.match(/^COPY\s+(.*)$/i);
		if (!m) continue;
		const args = m[1].split(/\s+/);
		if (args.some((a) => a.startsWith("--from"))) continue;
		const sources = args.filter((a) => !a.startsWith("--")).slice(0, -1);
		if (sources.length === 0) problems.push(`COPY without a source: ${line}`);
		for (const src of sources) {
			if (!existsSync(join(root, src))) problems.push(`COPY ${src}: no such file in the repository`);
			const hidden = ignored.find((i) => src === i || src.startsWith(`${i.replace(/\/$/, "")}/`));
			if (hidden) problems.push(`COPY ${src}: excluded from the build context by .dockerignore (${hidden})`);
		}
	}
	const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies?.bun;
	const arg = dockerfile.match(/^ARG BUN_VERSION=(\S+)$/m)?.[1];
	if (!arg) problems.push("Dockerfile: no `ARG BUN_VERSION=`");
	else if (arg !== pinned) problems.push(`Dockerfile: BUN_VERSION ${arg}, package.json pins bun ${pinned}`);
	if (!/^USER\s+(?!root\b|0\b)\S+/m.test(dockerfile))
		problems.push("Dockerfile: the runtime does not switch to a non-root USER");
	if (!/^HEALTHCHECK\s/m.test(dockerfile)) problems.push("Dockerfile: no HEALTHCHECK");
	// npm ci refuses a lockfile whose workspaces are missing: every workspace's package.json is copied.
	const copied = new Set(
		lines.flatMap(
			(l) =>
				l
					.match(/^COPY\s+(?!--from)(.*)$/i)?.[1]
					.split(/\s+/)
					.slice(0, -1) ?? [],
		),
	);
	for (const ws of workspaces(root)) {
		if (!copied.has(`${ws}/package.json`)) problems.push(`Dockerfile: the deps stage does not copy ${ws}/package.json`);
	}
	return problems;
}

function workspaces(root) {
	const patterns = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ?? [];
	return patterns.flatMap((p) => {
		if (!p.endsWith("/*")) return [p];
		const dir = p.slice(0, -2);
		return readdirSync(join(root, dir), { withFileTypes: true })
			.filter((d) => d.isDirectory() && existsSync(join(root, dir, d.name, "package.json")))
			.map((d) => `${dir}/${d.name}`);
	});
}
