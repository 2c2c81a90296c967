import { Reconciliation } from "@bazaar/contracts/inventory";
import { OrderSummary, PaymentConflict } from "@bazaar/contracts/order";
import { DEFAULT_CURRENCY } from "@bazaar/money";
import { Hono } from "hono";
import { z } from "zod";
import { canRead } from "../console/access";
import { adminCall } from "../console/admin-call";
import { collect } from "../console/collect";
import { consolePage, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { DashboardPage, type DashboardTiles } from "../views/console-dashboard";

// The dashboard: what needs a person today. Each figure is read from the admin API only when the
// staff member's roles open its section, and a figure that could not be read is left out instead
// of failing the page. Orders are counted from the orders list (30 days, at most 2,000 orders;
// beyond that a figure says "at least").

export const consoleDashboard = new Hono<AppEnv>();

/** Units available at or below this count as low stock. */
export const LOW_STOCK = 5;
const DAYS = 30;
const MAX_PAGES = 20;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Orders that brought money in (revenue counts these, refunds aside). */
const EARNING = new Set(["paid", "fulfilled", "delivered", "partially_refunded", "refunded"]);

consoleDashboard.get("/", async (c) => {
	const session = staff(c);
	const tiles: DashboardTiles = {};
	await Promise.all([orders(c, tiles), conflicts(c, tiles), lowStock(c, tiles), deadLetters(c, tiles)]);
	return consolePage(c, 200, <DashboardPage roles={session.roles} csrf={session.csrf} tiles={tiles} />);
});

async function orders(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "orders")) return;
	const now = Date.now();
	const today = Math.floor(now / DAY) * DAY;
	const since = today - (DAYS - 1) * DAY;
	const [recent, unpaid, undispatched] = await Promise.all([
		collect(c, OrderSummary, `/orders?from=${new Date(since).toISOString()}`, MAX_PAGES),
		collect(c, OrderSummary, "/orders?status=pending_payment", MAX_PAGES),
		collect(c, OrderSummary, "/orders?status=paid", MAX_PAGES),
	]);
	if (unpaid) tiles.awaitingPayment = { count: unpaid.items.length, complete: unpaid.complete };
	if (undispatched) tiles.awaitingDispatch = { count: undispatched.items.length, complete: undispatched.complete };
	if (!recent) return;
	const hours = Array.from({ length: 24 }, (_, h) => ({ orders: 0, revenue: 0, at: h }));
	const days = Array.from({ length: DAYS }, (_, d) => ({ orders: 0, revenue: 0, at: since + d * DAY }));
	const revenueToday = new Map<string, number>();
	let ordersToday = 0;
	for (const o of recent.items) {
		const at = Date.parse(o.createdAt);
		const earned = EARNING.has(o.status);
		const day = days[Math.floor((at - since) / DAY)];
		if (day) {
			day.orders++;
			if (earned && o.currency === DEFAULT_CURRENCY) day.revenue += o.total;
		}
		if (at < today) continue;
		ordersToday++;
		const hour = hours[Math.floor((at - today) / HOUR)];
		if (hour) {
			hour.orders++;
			if (earned && o.currency === DEFAULT_CURRENCY) hour.revenue += o.total;
		}
		if (earned) revenueToday.set(o.currency, (revenueToday.get(o.currency) ?? 0) + o.total);
	}
	tiles.orders = {
		today: ordersToday,
		complete: recent.complete,
		revenueToday: [...revenueToday].map(([currency, amount]) => ({ currency, amount })),
		currency: DEFAULT_CURRENCY,
		hours: hours.map((h) => ({ label: `${String(h.at).padStart(2, "0")}:00`, orders: h.orders, revenue: h.revenue })),
		days: days.map((d) => ({ label: new Date(d.at).toISOString().slice(5, 10), orders: d.orders, revenue: d.revenue })),
	};
}

async function conflicts(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "operations")) return;
	const open = await collect(c, PaymentConflict, "/orders/payment-conflicts?resolution=open", 5);
	if (open) tiles.paymentConflicts = { count: open.items.length, complete: open.complete };
}

async function lowStock(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "stock")) return;
	const answer = await adminCall(c, Reconciliation, "GET", "/inventory/reconcile");
	if (!answer.ok) return;
	tiles.lowStock = answer.value.rows
		.filter((r) => r.bounded && r.slot === null && (r.available ?? 0) <= LOW_STOCK)
		.map((r) => ({ sku: r.sku, warehouse: r.warehouse, available: r.available ?? 0 }))
		.sort((a, b) => a.available - b.available);
}

async function deadLetters(c: AppContext, tiles: DashboardTiles) {
	if (!canRead(staff(c).roles, "operations")) return;
	// One page of 100: the tile says "100+" beyond it.
	const letters = await collect(c, z.unknown(), "/bus/dead-letters", 1);
	if (letters) tiles.deadLetters = { count: letters.items.length, complete: letters.complete };
}
