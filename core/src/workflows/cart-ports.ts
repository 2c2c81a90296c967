import type { CatalogPort, InventoryPort, PromotionPort, StockLevel } from "@bazaar/contracts/cart";
import type { Catalog } from "../catalog/context";
import { variantSummaries } from "../catalog/variant-summaries";
import type { Inventory } from "../inventory/module";
import { ServiceError } from "../lib/errors";
import type { PromotionModule } from "../promotion/module";

// The cart's ports, wired to the catalog's and the inventory's own verbs: the cart never reads
// their tables. Each port call is a fixed number of statements whatever the number of ids.

/** Variants by id, priced in one currency (the catalog's `variantSummaries`). */
export function catalogPort(catalog: Catalog, options: { thumbnails?: boolean } = {}): CatalogPort {
	return { variants: (ids, currency) => variantSummaries(catalog, ids, currency, options) };
}

/**
 * Stock through the inventory's `availability` verb (one query), keyed as asked: a SKU, or
 * `sku@slot` for a booked service's slot (the slot's capacity left). That verb refuses the
 * whole batch when a SKU is unknown (404) or an item breaks its slot rule (422: a slot-sold SKU
 * asked without a slot, or a slot for one that takes none, i.e. the catalog and the inventory
 * disagree about the service); those keys are set aside and the rest asked again, so at worst
 * three calls, never one per line. Keys set aside are left out: the cart reads them as sold
 * out, and the reservation would refuse them too.
 */
export function inventoryPort(inventory: Pick<Inventory, "availability">): InventoryPort {
	return {
		async availability(keys) {
			const out = new Map<string, StockLevel>();
			let ask = [...new Set(keys)].map((key) => {
				const at = key.indexOf("@");
				return at === -1 ? { key, sku: key } : { key, sku: key.slice(0, at), slot: key.slice(at + 1) };
			});
			for (let attempt = 0; attempt < 3 && ask.length > 0; attempt++) {
				try {
					const { items } = await inventory.availability(
						ask.map(({ sku, slot }) => (slot === undefined ? { sku } : { sku, slot })),
					);
					// The verb answers item by item, in the order asked.
					for (const [i, item] of items.entries()) {
						const asked = ask[i];
						if (asked) out.set(asked.key, { available: item.available });
					}
					return out;
				} catch (err) {
					if (!(err instanceof ServiceError) || !err.errors) throw err;
					const setAside = new Set<string>();
					if (err.status === 404) {
						const unknown = new Set(err.errors.map((e) => e.path));
						for (const a of ask) if (unknown.has(a.sku)) setAside.add(a.key);
					} else if (err.status === 422) {
						for (const e of err.errors) {
							const asked = ask[Number(e.path)];
							if (asked) setAside.add(asked.key);
						}
					} else {
						throw err;
					}
					if (setAside.size === 0) throw err;
					ask = ask.filter((a) => !setAside.has(a.key));
				}
			}
			return out;
		},
	};
}

/** Sale prices, discounts and coupons through the promotion module's own verbs. */
export function promotionPort(promotions: Pick<PromotionModule, "price" | "checkCoupon">): PromotionPort {
	return {
		price: (input) => promotions.price(input),
		checkCoupon: (code, attempt) => promotions.checkCoupon(code, attempt),
	};
}
