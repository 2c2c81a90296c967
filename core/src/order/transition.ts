import { type Order, type OrderEventType, OrderId, type OrderStatus } from "@bazaar/contracts/order";
import { type SQL, sql } from "drizzle-orm";
import type { TxDb } from "../lib/db";
import { ConflictError, NotFoundError } from "../lib/errors";
import type { OrderContext } from "./context";
import { iso, orderWrite } from "./context";
import { recordTransition } from "./events";
import { loadOrder, ORDER_COLUMNS, type OrderRecord, toOrder } from "./records";

// The one way an existing order changes status. The UPDATE is conditional on the status it may
// leave (WHERE status IN …), so two writers racing — a payment and the expiry sweeper, an admin
// and a customer, in any process — settle the order exactly once; the loser gets a 409 (or, when
// it asked for the state the order is already in, the order unchanged).

export interface TransitionSpec {
	to: OrderStatus;
	from: OrderStatus[];
	type: OrderEventType;
	/** "cancelled", "marked fulfilled": for the 409's message. */
	verb: string;
	/** Extra columns to set with the status (tracking number, payment reference). */
	set?: SQL;
}

export interface TransitionRequest {
	actor: string;
	reason?: string | null;
	/** Customers only act on their own orders: anyone else's is a 404, as if it did not exist. */
	ownerId?: string;
}

export interface TransitionResult {
	order: Order;
	changed: boolean;
}

export function transitionOrder(
	ctx: OrderContext,
	id: string,
	spec: TransitionSpec,
	req: TransitionRequest,
): Promise<TransitionResult> {
	if (!OrderId.safeParse(id).success) throw new NotFoundError("The order");
	return orderWrite(ctx, (tx) => transitionIn(tx, iso(ctx.now()), id, spec, req));
}

export async function transitionIn(
	tx: TxDb,
	at: string,
	id: string,
	spec: TransitionSpec,
	req: TransitionRequest,
): Promise<TransitionResult> {
	const from = sql.join(
		spec.from.map((s) => sql`${s}`),
		sql`, `,
	);
	const owner = req.ownerId === undefined ? sql`` : sql` AND customer_id = ${req.ownerId}`;
	const extra = spec.set ? sql`, ${spec.set}` : sql``;
	const [row] = await tx.all<OrderRecord>(sql`UPDATE orders SET status = ${spec.to}, updated_at = ${at}${extra}
		WHERE id = ${id} AND status IN (${from})${owner} RETURNING ${ORDER_COLUMNS}`);
	if (!row) {
		const current = await loadOrder(tx, id);
		if (!current || (req.ownerId !== undefined && current.customerId !== req.ownerId)) {
			throw new NotFoundError("The order");
		}
		if (current.status === spec.to) return { order: current, changed: false };
		throw new ConflictError(`Order ${id} is ${current.status}; it cannot be ${spec.verb}.`);
	}
	const order = toOrder(row);
	const previous = spec.from.length === 1 ? (spec.from[0] as OrderStatus) : null;
	await recordTransition(tx, order, {
		from: previous,
		type: spec.type,
		at,
		actor: req.actor,
		reason: req.reason ?? null,
	});
	return { order, changed: true };
}
