import type {
	AdminOrderQuery,
	MarkPaidResult,
	Order,
	OrderDetail,
	OrderList,
	PaymentConflictPage,
	PaymentConflictQuery,
	PaymentReceived,
	PlaceOrderInput,
	RecordRefundResult,
	RefundReceived,
	RefundRequest,
} from "@bazaar/contracts/order";
import type { TxDb } from "../lib/db";
import type { Sweeper } from "../lib/sweeper";
import { cancelOrder } from "./cancel-order";
import { cancelUnfulfillable } from "./cancel-unfulfillable";
import { type BookingChange, type BookingChangeResult, changeBooking } from "./change-booking";
import { iso, type OrderContext, type OrderContextOptions, openOrderContext } from "./context";
import { countOrdersByStatus } from "./count-by-status";
import { expireDue, orderSweeper } from "./expire-due";
import { findByIdempotencyKey } from "./find-by-key";
import { markDelivered, markFulfilled } from "./fulfil-order";
import { getOrder, listPaymentConflicts, orderOwner } from "./get-order";
import { claimGuestOrders, findGuestOrder, guestOrderKey, openGuestOrder } from "./guest-orders";
import { listOrders } from "./list-orders";
import { listAllPaymentConflicts } from "./list-payment-conflicts";
import { markPaid, markPaidIn } from "./mark-paid";
import { noteConflictRefund } from "./note-conflict-refund";
import { type FlashOrderInput, placeFlashOrders } from "./place-flash-orders";
import { type PlaceOrderResult, placeOrder } from "./place-order";
import { recordRefund, recordRefundIn } from "./record-refund";
import {
	type BeginRefund,
	type BeginRefundResult,
	beginRefund,
	dropRefundRequest,
	listRefunds,
	settleRefundRequest,
} from "./refund-requests";
import { type ReviveResult, reviveOrder } from "./revive-order";
import type { TransitionResult } from "./transition";

// Wires the order module: its database, its verbs bound to it, and the expiry sweeper.

export interface OrderModuleOptions extends OrderContextOptions {
	sweepIntervalMs?: number;
}

export interface OrderModule {
	context: OrderContext;
	placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult>;
	/** Flash-sale reservations → pending orders in one unit, idempotent by reservation id; returns the new ids. */
	placeFlashOrders(inputs: FlashOrderInput[]): Promise<string[]>;
	/** With ownerId (a customer), anyone else's order is a 404. */
	getOrder(id: string, ownerId?: string): Promise<OrderDetail>;
	/** The customer an order belongs to, or null when there is no such order. */
	ownerOf(id: string): Promise<string | null>;
	/** Orders per status (operators' metrics). */
	countByStatus(): Promise<Record<string, number>>;
	/** Orders newest first, a page at a time, by the query's filters (a customer's own: `customer` set). */
	listOrders(query?: Partial<AdminOrderQuery>): Promise<OrderList>;
	/** The order a customer's idempotency key placed, or null (one statement). */
	findByIdempotencyKey(customerId: string, key: string): Promise<Order | null>;
	markPaid(payment: PaymentReceived): Promise<MarkPaidResult>;
	/** markPaid inside a caller's write transaction on this module's database (handleOnce). */
	markPaidIn(tx: TxDb, payment: PaymentReceived): Promise<MarkPaidResult>;
	cancel(id: string, by: { actor: string; ownerId?: string; reason?: string }): Promise<TransitionResult>;
	/** Records a booked line's new slot or its cancellation (compare-and-set on the line; a retry is a no-op). */
	changeBooking(id: string, line: number, change: BookingChange, by: { actor: string }): Promise<BookingChangeResult>;
	/** A payment that landed after the order expired, its units reserved again: expired → paid. */
	revive(payment: PaymentReceived): Promise<ReviveResult>;
	/** A paid order whose units are gone (its reservation lapsed first): paid → cancelled, shopper-visible reason. */
	cancelUnfulfillable(id: string, reason: string): Promise<TransitionResult>;
	/** A payment that could not settle the order is being refunded: its conflict and the timeline say so (once). */
	noteConflictRefund(paymentId: string): Promise<boolean>;
	markFulfilled(id: string, by: { actor: string; trackingNumber?: string; reason?: string }): Promise<TransitionResult>;
	markDelivered(id: string, by: { actor: string; reason?: string }): Promise<TransitionResult>;
	/** The gateway's cumulative refund on the order's payment (payment.refunded). */
	recordRefund(refund: RefundReceived): Promise<RecordRefundResult>;
	/** recordRefund inside a caller's write transaction on this module's database (handleOnce). */
	recordRefundIn(tx: TxDb, refund: RefundReceived): Promise<RecordRefundResult>;
	/** An admin refund: checked against what is left and recorded before the gateway is asked. */
	beginRefund(input: BeginRefund): Promise<BeginRefundResult>;
	settleRefundRequest(
		orderId: string,
		key: string,
		answer: { refundId: string; status: "succeeded" | "pending" | "failed" },
	): Promise<RefundRequest>;
	dropRefundRequest(orderId: string, key: string): Promise<void>;
	listRefunds(orderId: string): Promise<RefundRequest[]>;
	/** Expires unpaid orders past their deadline at `now`; returns how many. */
	expireDue(options?: { now?: number; batchSize?: number }): Promise<number>;
	listPaymentConflicts(orderId?: string): ReturnType<typeof listPaymentConflicts>;
	/** Staff: every order's payment conflicts, newest first, a page at a time. */
	listAllPaymentConflicts(query?: Partial<PaymentConflictQuery>): Promise<PaymentConflictPage>;
	/** The key of a guest order's link (for its mail). */
	guestKey(order: { id: string; email: string }): string;
	/** A guest order by its link's key; anything else is a 404. */
	openGuestOrder(id: string, key: string): Promise<OrderDetail>;
	/** Order number + email → the key, when both name one guest order; else a 404. */
	findGuestOrder(id: string, email: string): Promise<{ key: string }>;
	/** The guest orders of this email hash move into the account; returns their ids. */
	claimGuestOrders(userId: string, emailHash: string): Promise<string[]>;
	sweeper: Sweeper;
	start(): void;
	stop(): Promise<void>;
}

export async function openOrders(options: OrderModuleOptions): Promise<OrderModule> {
	const ctx = await openOrderContext(options);
	const sweeper = orderSweeper(ctx, options.sweepIntervalMs);
	return {
		context: ctx,
		placeOrder: (input) => placeOrder(ctx, input),
		placeFlashOrders: (inputs) => placeFlashOrders(ctx, inputs),
		getOrder: (id, ownerId) => getOrder(ctx, id, ownerId),
		ownerOf: (id) => orderOwner(ctx, id),
		countByStatus: () => countOrdersByStatus(ctx),
		listOrders: (query) => listOrders(ctx, query),
		findByIdempotencyKey: (customerId, key) => findByIdempotencyKey(ctx, customerId, key),
		markPaid: (payment) => markPaid(ctx, payment),
		markPaidIn: (tx, payment) => markPaidIn(tx, iso(ctx.now()), payment),
		cancel: (id, by) => cancelOrder(ctx, id, by),
		changeBooking: (id, line, change, by) => changeBooking(ctx, id, line, change, by),
		revive: (payment) => reviveOrder(ctx, payment),
		cancelUnfulfillable: (id, reason) => cancelUnfulfillable(ctx, id, reason),
		noteConflictRefund: (paymentId) => noteConflictRefund(ctx, paymentId),
		markFulfilled: (id, by) => markFulfilled(ctx, id, by),
		markDelivered: (id, by) => markDelivered(ctx, id, by),
		recordRefund: (refund) => recordRefund(ctx, refund),
		recordRefundIn: (tx, refund) => recordRefundIn(tx, iso(ctx.now()), refund),
		beginRefund: (input) => beginRefund(ctx, input),
		settleRefundRequest: (orderId, key, answer) => settleRefundRequest(ctx, orderId, key, answer),
		dropRefundRequest: (orderId, key) => dropRefundRequest(ctx, orderId, key),
		listRefunds: (orderId) => listRefunds(ctx, orderId),
		expireDue: (opts) => expireDue(ctx, opts),
		listPaymentConflicts: (orderId) => listPaymentConflicts(ctx, orderId),
		listAllPaymentConflicts: (query) => listAllPaymentConflicts(ctx, query),
		guestKey: (order) => guestOrderKey(ctx.guestLinkSecret, order.id, order.email),
		openGuestOrder: (id, key) => openGuestOrder(ctx, id, key),
		findGuestOrder: (id, email) => findGuestOrder(ctx, id, email),
		claimGuestOrders: (userId, hash) => claimGuestOrders(ctx, userId, hash),
		sweeper,
		start: () => sweeper.start(),
		async stop() {
			await sweeper.stop();
			await ctx.database.close();
		},
	};
}
