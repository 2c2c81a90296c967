import { join } from "node:path";
import type { Caller } from "@bazaar/signature";
import { Hono } from "hono";
import { BusRelay, openLibsqlBus } from "../../bus";
import { type IdentityHarness, identityHarness } from "../../identity/test-harness";
import { type AppEnv, notFound, onError, requireSignature } from "../../lib/http";
import { type OrderModule, openOrders } from "../../order/module";
import { checkout } from "../../order/testing/fixtures";
import { type Harness, harness, SECRET, tempDir } from "../../testing/harness";
import { signedInit } from "../../testing/signed-init";
import { SUPPORT_MAIL_GROUP, subscribeSupportMail } from "../../workflows/support-mail";
import { supportPorts } from "../../workflows/support-ports";
import { openSupport, type SupportModule } from "../module";
import { supportAdminRoutes, supportRoutes } from "../routes";

// Support tests on real parts: the module on a temporary libSQL file, its ports wired by the
// composition root's own function to a real order module, the seeded catalog and a real
// identity module (whose harness runs the mailer on a bus); the support database's relay and
// the ticket-mail workflow on a second bus; the routes behind the real signature check.

export const ROOM: Caller = { user: "edge", roles: ["service"] };
export const AGENT: Caller = { user: "usr_01AGENT000000000000000000", roles: ["support_agent"] };
export const ADMIN: Caller = { user: "usr_01ADMIN000000000000000000", roles: ["admin"] };
export const GUEST: Caller = { user: "", roles: [], ip: "203.0.113.9" };

export interface SupportHarness {
	mod: SupportModule;
	orders: OrderModule;
	identity: IdentityHarness;
	catalog: Harness;
	call(method: string, path: string, init?: { body?: unknown; caller?: Caller }): Promise<Response>;
	/** A signed-in shopper (a real account) and a caller for it. */
	shopper(): Promise<{ id: string; email: string; caller: Caller }>;
	/** Places an order for the customer in the order module; returns its id. */
	order(customerId: string): Promise<string>;
	/** Resolves once answered tickets' mails have been queued and sent. */
	mailSettled(): Promise<void>;
	close(): Promise<void>;
}

export async function supportHarness(): Promise<SupportHarness> {
	const dir = tempDir("bazaar-support-");
	const identity = await identityHarness();
	const catalog = await harness({ seeded: true });
	const orders = await openOrders({ url: `file:${join(dir, "order.db")}` });
	const mod = await openSupport({
		url: `file:${join(dir, "support.db")}`,
		...supportPorts({ orders, catalog: catalog.mod, identity: identity.mod }),
	});
	const bus = await openLibsqlBus({ url: `file:${join(dir, "bus.db")}` });
	const relay = new BusRelay({ database: mod.context.database, bus, pollMs: 50 });
	subscribeSupportMail(bus, { support: mod, identity: identity.mod }, { pollMs: 20, backoffMs: 50, maxBackoffMs: 200 });
	relay.start();
	await bus.start();

	const app = new Hono<AppEnv>();
	app.use("*", requireSignature(SECRET));
	app.route("/support/admin", supportAdminRoutes(mod));
	app.route("/support", supportRoutes(mod));
	app.notFound(notFound);
	app.onError(onError);
	return {
		mod,
		orders,
		identity,
		catalog,
		async call(method, path, init = {}) {
			return app.request(path, await signedInit(method, path, init, init.caller ?? AGENT));
		},
		async shopper() {
			const s = await identity.signUp();
			return { id: s.id, email: s.email, caller: { ...s.caller, ip: "198.51.100.7" } };
		},
		async order(customerId) {
			const placed = await orders.placeOrder(checkout({ customerId }));
			return placed.order.id;
		},
		async mailSettled() {
			const until = Date.now() + 10_000;
			for (;;) {
				const { pending, lag } = await bus.pending(SUPPORT_MAIL_GROUP);
				if ((await relay.unsent()) === 0 && pending === 0 && !lag) break;
				if (Date.now() > until) throw new Error("support mail still queued after 10 s");
				await Bun.sleep(10);
			}
			await identity.mailSent();
		},
		async close() {
			await relay.stop();
			await bus.stop();
			await mod.stop();
			await orders.stop();
			await catalog.close();
			await identity.close();
		},
	};
}
