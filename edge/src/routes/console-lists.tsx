import { AdminProductList, CategoryList } from "@bazaar/contracts";
import { UserList } from "@bazaar/contracts/identity";
import { OrderList } from "@bazaar/contracts/order";
import { Hono } from "hono";
import { canWrite } from "../console/access";
import { adminCall, query } from "../console/admin-call";
import { consolePage, failedRead, gate, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, callCore } from "../lib/core-call";
import { CustomerListPage, OrderListPage, ProductListPage } from "../views/console-lists";

// The lists: products (every status), orders, customers. The page's query string is the admin
// API's (the same filters and cursor), so a filtered page is a link and the API judges the values.

export const consoleLists = new Hono<AppEnv>();

const PAGE = 50;

/** The filters a list takes from the page's address, only these, empty ones left out. */
function filtersOf(c: AppContext, names: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of names) {
		const value = c.req.query(name)?.trim();
		if (value) out[name] = value;
	}
	return out;
}

const pageQuery = (c: AppContext, filters: Record<string, string>) =>
	query({ ...filters, cursor: c.req.query("cursor"), limit: PAGE });

consoleLists.get("/products", async (c) => {
	const denied = gate(c, "catalog");
	if (denied) return denied;
	const filters = filtersOf(c, ["q", "kind", "status", "category"]);
	const [list, categories] = await Promise.all([
		adminCall(c, AdminProductList, "GET", `/catalog/products${pageQuery(c, filters)}`),
		callCore(c.env, CategoryList, "GET", "/catalog/categories", anonymousCaller(c.req.raw)),
	]);
	if (!list.ok) return failedRead(c, list, "catalog");
	const s = staff(c);
	const page = (
		<ProductListPage
			roles={s.roles}
			csrf={s.csrf}
			items={list.value.items}
			nextCursor={list.value.nextCursor}
			filters={filters}
			categories={categories.ok ? categories.value.items : []}
			canChange={canWrite(s.roles, "catalog")}
		/>
	);
	return consolePage(c, 200, page);
});

consoleLists.get("/orders", async (c) => {
	const denied = gate(c, "orders");
	if (denied) return denied;
	const filters = filtersOf(c, ["status", "from", "to", "customer", "gateway"]);
	const list = await adminCall(c, OrderList, "GET", `/orders${pageQuery(c, filters)}`);
	if (!list.ok) return failedRead(c, list, "orders");
	const s = staff(c);
	const page = (
		<OrderListPage
			roles={s.roles}
			csrf={s.csrf}
			items={list.value.items}
			nextCursor={list.value.nextCursor}
			filters={filters}
		/>
	);
	return consolePage(c, 200, page);
});

consoleLists.get("/customers", async (c) => {
	const denied = gate(c, "customers");
	if (denied) return denied;
	const filters = filtersOf(c, ["q", "role"]);
	const list = await adminCall(c, UserList, "GET", `/identity/users${pageQuery(c, filters)}`);
	if (!list.ok) return failedRead(c, list, "customers");
	const s = staff(c);
	const page = (
		<CustomerListPage
			roles={s.roles}
			csrf={s.csrf}
			items={list.value.items}
			nextCursor={list.value.nextCursor}
			filters={filters}
		/>
	);
	return consolePage(c, 200, page);
});
