import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../lib/db";
import { tempDir } from "../testing/harness";
import { exec } from "../testing/sql";
import { INVENTORY_MIGRATIONS } from "./context";
import { openInventory } from "./module";
import { inventorySchema } from "./schema";

// The returns migration rebuilds the ledger and reservations tables (their CHECKs gained
// `returned`): every row must come through, ledger ids keep counting up, and the books still balance.

function firstMigrationOnly(): string {
	const dir = join(tempDir("bazaar-inventory-mig-"), "migrations");
	mkdirSync(join(dir, "meta"), { recursive: true });
	copyFileSync(join(INVENTORY_MIGRATIONS, "0000_inventory_init.sql"), join(dir, "0000_inventory_init.sql"));
	copyFileSync(join(INVENTORY_MIGRATIONS, "meta", "0000_snapshot.json"), join(dir, "meta", "0000_snapshot.json"));
	const journal = JSON.parse(readFileSync(join(INVENTORY_MIGRATIONS, "meta", "_journal.json"), "utf8"));
	journal.entries = journal.entries.slice(0, 1);
	writeFileSync(join(dir, "meta", "_journal.json"), JSON.stringify(journal));
	return dir;
}

describe("returns migration", () => {
	test("keeps reservations and the ledger; a return after it balances", async () => {
		const url = `file:${join(tempDir("bazaar-inventory-mig-"), "inventory.db")}`;
		const old = await openDatabase(url, inventorySchema);
		await migrateDatabase(old, firstMigrationOnly());
		for (const statement of [
			"INSERT INTO skus (sku, policy, created_at, updated_at) VALUES ('A', 'tracked', 't', 't')",
			"INSERT INTO stock (sku, warehouse, slot, bounded, on_hand, reserved, sold, updated_at) VALUES ('A', 'main', '', 1, 10, 1, 2, 't')",
			`INSERT INTO reservations (id, order_id, status, lines_digest, expires_at, created_at, updated_at) VALUES
				('r1', 'o1', 'committed', 'x', 't', 't', 't'), ('r2', 'o2', 'active', 'y', '9999', 't', 't')`,
			"INSERT INTO reservation_lines (reservation_id, sku, warehouse, slot, quantity) VALUES ('r1', 'A', 'main', '', 2), ('r2', 'A', 'main', '', 1)",
			`INSERT INTO ledger (at, sku, warehouse, slot, kind, quantity, reservation_id) VALUES
				('t', 'A', 'main', '', 'received', 10, NULL), ('t', 'A', 'main', '', 'reserved', 2, 'r1'),
				('t', 'A', 'main', '', 'committed', 2, 'r1'), ('t', 'A', 'main', '', 'reserved', 1, 'r2')`,
		]) {
			await exec(old, statement);
		}
		await old.close();

		const inv = await openInventory({ url });
		try {
			expect((await inv.reconcile()).balanced).toBe(true);
			expect((await inv.getReservation("r1")).status).toBe("committed");
			expect((await inv.getReservation("r2")).status).toBe("active");
			await inv.returnUnits("r1", { actor: "admin", reason: "refund o1" });
			expect((await inv.getStock("A")).rows[0]).toMatchObject({ onHand: 10, reserved: 1, sold: 0, available: 9 });
			const ledger = await inv.getLedger("A");
			expect(ledger.entries.map((e) => [e.id, e.kind])).toEqual([
				[1, "received"],
				[2, "reserved"],
				[3, "committed"],
				[4, "reserved"],
				[5, "returned"],
			]);
			expect((await inv.reconcile()).balanced).toBe(true);
		} finally {
			await inv.stop();
		}
	});
});
