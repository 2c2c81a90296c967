import { parseArgs } from "node:util";
import { openCatalog } from "./catalog/context";
import { type Config, loadConfig } from "./config";
import { openInventory } from "./inventory/module";
import { redactUrl } from "./lib/redact-url";
import { BackupError, takeBackup } from "./ops/backup";
import { RestoreRefused, restoreBackup } from "./ops/restore";
import { CatalogNotEmptyError, seedCatalog } from "./seed/catalog-seed";
import { openCore } from "./workflows/compose";
import { seedInventoryFromCatalog } from "./workflows/stock-seed";

// bun core/src/cli.ts migrate                  every module's database (and the bus's)
// bun core/src/cli.ts seed [--if-empty] [--products N] [--reset]
//                                              the demo catalog, then stock for its SKUs
// bun core/src/cli.ts backup --to <dir>        a consistent copy of every module database, live
// bun core/src/cli.ts restore --from <dir>     puts one back (every core on DATA_DIR stopped)

const USAGE =
	"usage: cli.ts migrate | seed [--if-empty] [--products N] [--reset] | backup --to <dir> | restore --from <dir>";

async function main(argv: string[]): Promise<number> {
	const { positionals, values } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			"if-empty": { type: "boolean", default: false },
			reset: { type: "boolean", default: false },
			products: { type: "string" },
			to: { type: "string" },
			from: { type: "string" },
		},
	});
	const config = loadConfig();
	const command = positionals[0];
	if (command === "backup" || command === "restore") return backupOrRestore(command, values, config);
	if (command !== "migrate" && command !== "seed") {
		console.error(USAGE);
		return 2;
	}
	if (command === "migrate") {
		// Opening a module migrates it; nothing is started.
		const core = await openCore({ ...config, edgeUrl: null });
		await core.stop();
		const urls = [
			config.catalogDbUrl,
			config.identityDbUrl,
			config.inventory.url,
			config.cart.url,
			config.order.url,
			config.payment.url,
			config.fulfillment.url,
			config.promotionDbUrl,
			config.review.url,
			config.flash.url,
			config.delivery.url,
		];
		// libSQL server URLs may carry an authToken.
		const bus = config.redisUrl ? "" : `, bus ${redactUrl(config.busDbUrl)}`;
		console.log(`migrated: ${urls.map(redactUrl).join(", ")}${bus}`);
		return 0;
	}
	const products = values.products === undefined ? config.seedProducts : Number(values.products);
	if (!Number.isInteger(products) || products < 1 || products > 100_000) {
		console.error(`--products must be a whole number from 1 to 100000, got ${values.products}`);
		return 2;
	}
	const catalog = await openCatalog({ url: config.catalogDbUrl, imagesDir: config.imagesDir });
	const inventory = await openInventory({ url: config.inventory.url });
	try {
		const result = await seedCatalog(catalog, { products, ifEmpty: values["if-empty"], reset: values.reset });
		if (result.skipped) console.log("catalog already seeded; nothing to do");
		else {
			console.log(
				`seeded ${result.products} products (${result.variants} variants, ${result.images} images) in ${result.categories} categories in ${result.ms} ms`,
			);
		}
		const stock = await seedInventoryFromCatalog(catalog, inventory);
		console.log(
			stock.created === 0
				? "inventory already stocked; nothing to do"
				: `stocked ${stock.created} of ${stock.skus} SKUs`,
		);
		return 0;
	} catch (err) {
		if (err instanceof CatalogNotEmptyError) {
			console.error(`seed: ${err.message}`);
			return 1;
		}
		throw err;
	} finally {
		catalog.database.close();
		await inventory.stop();
	}
}

async function backupOrRestore(
	command: "backup" | "restore",
	values: { to?: string; from?: string },
	config: Config,
): Promise<number> {
	const dir = command === "backup" ? values.to : values.from;
	if (!dir) {
		console.error(command === "backup" ? "usage: cli.ts backup --to <dir>" : "usage: cli.ts restore --from <dir>");
		return 2;
	}
	const log = (line: string) => console.log(`${command}: ${line}`);
	try {
		if (command === "backup") {
			const manifest = await takeBackup(config, dir, { log });
			log(`${manifest.databases.length} databases in ${dir} (manifest.json), cut at ${manifest.cutAt}`);
		} else {
			await restoreBackup(config, dir, { log });
			log("done: start the core on it");
		}
		return 0;
	} catch (err) {
		if (err instanceof BackupError || err instanceof RestoreRefused) {
			console.error(`${command}: ${err.message}`);
			return 1;
		}
		throw err;
	}
}

process.exit(await main(process.argv.slice(2)));
