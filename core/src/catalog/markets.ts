import { DEFAULT_MARKETS, MarketList } from "@bazaar/contracts/market";
import { eq } from "drizzle-orm";
import { type Catalog, catalogWrite } from "./context";
import { catalogMarkets } from "./schema";

// The shop's markets (which countries buy in which currency): one row of the catalog, read by the
// edge as a cached catalog read and replaced whole by staff. Replacing them is a catalog write, so
// the version moves and every cached page, whose key carries the version, is rendered anew.

export async function listMarkets(catalog: Catalog): Promise<MarketList> {
	const [row] = await catalog.database.db
		.select({ list: catalogMarkets.list })
		.from(catalogMarkets)
		.where(eq(catalogMarkets.id, 1))
		.limit(1);
	if (!row) return DEFAULT_MARKETS;
	return MarketList.parse(JSON.parse(row.list));
}

/** Replaces the list (validated by the route with MarketList); idempotent. */
export async function saveMarkets(catalog: Catalog, list: MarketList): Promise<MarketList> {
	const text = JSON.stringify(list);
	await catalogWrite(catalog, async (tx, emit) => {
		const [row] = await tx.select({ list: catalogMarkets.list }).from(catalogMarkets).where(eq(catalogMarkets.id, 1));
		if (row?.list === text) return;
		await tx
			.insert(catalogMarkets)
			.values({ id: 1, list: text })
			.onConflictDoUpdate({ target: catalogMarkets.id, set: { list: text } });
		emit("catalog.markets.updated", {});
	});
	return list;
}
