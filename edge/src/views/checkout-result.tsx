import type { OrderDetail } from "@bazaar/contracts/order";
import {
	DestinationSections,
	type GatewayChoice,
	GatewayPicker,
	METHOD_NAMES,
	type Notice,
	NoticeBox,
	Summary,
} from "./checkout-parts";
import { Layout } from "./layout";

// After the gateway: the confirmation (paid, or still waiting for the gateway's webhook), the
// page for a declined or cancelled payment, and the page that sends the shopper back to the cart.

const PAID = new Set(["paid", "fulfilled", "delivered"]);

function OrderSummary({ order }: { order: OrderDetail }) {
	return (
		<>
			<Summary
				currency={order.currency}
				lines={order.lines}
				subtotal={order.subtotal}
				shipping={order.shippingMethod ? order.shippingAmount : undefined}
				tax={order.taxAmount}
				taxRateBp={order.taxRateBp}
				discount={order.discountAmount}
				total={order.total}
			/>
			<div class="checkout-review">
				<DestinationSections
					address={order.address}
					billing={order.billing}
					method={order.shippingMethod ? (METHOD_NAMES[order.shippingMethod] ?? order.shippingMethod) : null}
				/>
			</div>
		</>
	);
}

function OrderNumber({ order }: { order: OrderDetail }) {
	return (
		<p>
			Order number <code data-testid="order-id">{order.id}</code>
		</p>
	);
}

export function ConfirmationPage({ order, self }: { order: OrderDetail; self: string }) {
	const paid = PAID.has(order.status);
	const pending = order.status === "pending_payment";
	const title = paid ? "Thank you, order paid" : pending ? "Payment processing" : `Order ${order.status}`;
	return (
		<Layout title={title}>
			<h1 data-testid="confirmation-title">{title}</h1>
			<OrderNumber order={order} />
			<p>
				Status:{" "}
				<strong class={`tag status-${order.status}`} data-testid="order-status" data-status={order.status}>
					{paid ? "paid" : pending ? "payment processing" : order.status}
				</strong>
			</p>
			{pending ? (
				<p class="notice" data-testid="processing">
					We are waiting for the payment gateway to confirm your payment. This page refreshes by itself;{" "}
					<a href={self}>refresh now</a>.
				</p>
			) : null}
			{paid ? <p>We will email {order.email} when it ships.</p> : null}
			<OrderSummary order={order} />
			<p>
				<a href="/account">Your account</a> · <a href="/">Keep shopping</a>
			</p>
		</Layout>
	);
}

export function CancelledPage(props: {
	order: OrderDetail;
	csrf: string;
	/** The checkout's Idempotency-Key, when the gateway sent the shopper back with it. */
	retryKey: string | null;
	/** The gateways to pay with this time (shown when there is more than one). */
	payWith?: GatewayChoice | undefined;
}) {
	const { order } = props;
	const open = order.status === "pending_payment";
	return (
		<Layout title="Payment not completed">
			<h1 data-testid="cancelled-title">Payment not completed</h1>
			<OrderNumber order={order} />
			{open ? (
				<>
					<p>
						Your payment was declined or cancelled, so nothing was charged. We hold the items for you until{" "}
						<time datetime={order.expiresAt}>{order.expiresAt.slice(11, 16)} UTC</time>.
					</p>
					{props.retryKey ? (
						<form action={`/checkout/retry/${order.id}`} method="post">
							<input type="hidden" name="csrf" value={props.csrf} />
							<input type="hidden" name="idempotencyKey" value={props.retryKey} />
							<GatewayPicker choice={props.payWith} />
							<button type="submit" class="primary">
								Try paying again
							</button>
						</form>
					) : (
						<p>Open the payment again from the link the gateway sent you back with, or start a new checkout.</p>
					)}
				</>
			) : (
				<p>
					This order is <strong data-testid="order-status">{order.status}</strong>.{" "}
					{order.status === "cancelled" || order.status === "expired" ? "Start a new checkout from your cart." : null}
				</p>
			)}
			<OrderSummary order={order} />
			<p>
				<a href="/cart">Back to the cart</a> · <a href="/">Keep shopping</a>
			</p>
		</Layout>
	);
}

/** The cart cannot be ordered as it is (out of stock, empty, unavailable lines): back to the cart. */
export function CartTroublePage({ notice }: { notice: Notice }) {
	return (
		<Layout title="Your cart needs a change">
			<h1>Your cart needs a change</h1>
			<NoticeBox notice={notice} />
			<p>
				<a href="/cart" class="button">
					Back to the cart
				</a>
			</p>
		</Layout>
	);
}
