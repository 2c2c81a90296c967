import { ProductQuery } from "@bazaar/contracts";
import type { OrderSummary } from "@bazaar/contracts/order";
import type { CatalogModule } from "../catalog/module";
import { searchProducts } from "../catalog/search-products";
import type { IdentityModule } from "../identity/module";
import { NotFoundError } from "../lib/errors";
import type { OrderModule } from "../order/module";
import type { SupportPorts } from "../support/context";

// The support module's ports, wired to the owning modules' own verbs: it never reads their
// tables. An order is asked for with the shopper's id as its owner, so someone else's order
// answers exactly like one that does not exist.

export function supportPorts(deps: {
	orders: Pick<OrderModule, "listOrders" | "getOrder">;
	catalog: CatalogModule;
	identity: Pick<IdentityModule, "getProfile" | "listUsers" | "identity">;
}): SupportPorts {
	return {
		orders: {
			async recent(customerId, limit) {
				return (await deps.orders.listOrders({ customer: customerId, limit })).items;
			},
			async own(orderId, customerId) {
				try {
					const o = await deps.orders.getOrder(orderId, customerId);
					const itemCount = o.lines.reduce((n, l) => n + l.quantity, 0);
					const summary: OrderSummary = {
						id: o.id,
						customerId: o.customerId,
						email: o.email,
						status: o.status,
						currency: o.currency,
						total: o.total,
						paymentGateway: o.paymentGateway,
						createdAt: o.createdAt,
						updatedAt: o.updatedAt,
						itemCount,
					};
					return summary;
				} catch (err) {
					if (err instanceof NotFoundError) return null;
					throw err;
				}
			},
		},
		products: {
			async search(text, limit) {
				const query = ProductQuery.parse({ q: text.slice(0, 200), limit: String(limit), sort: "relevance" });
				const list = await searchProducts(deps.catalog.catalog, query);
				return list.items.map((p) => ({ productId: p.id, slug: p.slug, title: p.title, price: p.price }));
			},
		},
		people: {
			async customerIdByEmail(email) {
				const { items } = await deps.identity.listUsers({ q: email, limit: 5 });
				return items.find((u) => u.email.toLowerCase() === email.toLowerCase())?.id ?? null;
			},
			async emailOf(customerId) {
				const profile = await deps.identity.getProfile(customerId).catch(() => null);
				return profile?.email ?? null;
			},
		},
		limiter: deps.identity.identity.limiter,
	};
}
