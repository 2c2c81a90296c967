// `npm run bench -- <scenario> [options]`: load scenarios against locally started servers.
// Scenarios: catalog, chat, checkout, flash.

const scenarios = {
	catalog: async (argv) => (await import("./catalog.mjs")).catalogBench(argv),
	chat: async (argv) => (await import("./chat.mjs")).chatBench(argv),
	checkout: async (argv) => (await import("./checkout.mjs")).checkoutBench(argv),
	flash: async (argv) => (await import("./flash.mjs")).flashBench(argv),
};

const [name, ...argv] = process.argv.slice(2);
const run = scenarios[name];
if (!run) {
	process.stderr.write(
		`usage: npm run bench -- <${Object.keys(scenarios).join("|")}> [--duration 5] [--concurrency 1,16,64] ` +
			"[--tool wrk|autocannon] [--products 600] [--scale 10] [--warmup 1] [--only core,core10,edge] [--no-report] [--keep-data] [--fresh-seed]\n" +
			"       checkout: [--duration 5] [--concurrency 1,16,64] [--only core,edge,reserve,floor,catalog,statements] [--wait-paid] [--think-ms 0] [--redis] [--catalog-duration 3]\n" +
			"       chat: [--duration 5] [--warmup 1] [--connections 1,100,1000]\n" +
			"       flash: [--duration 5] [--connections 64] [--shards 1,4,16,64] [--only shards,ingest] [--total 100000] [--batch 2000] [--senders 4]\n",
	);
	process.exit(2);
}
try {
	process.exitCode = await run(argv);
} catch (err) {
	process.stderr.write(`bench ${name} failed: ${err.stack ?? err}\n`);
	process.exitCode = 1;
}
