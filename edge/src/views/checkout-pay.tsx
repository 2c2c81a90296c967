import type { OrderDetail } from "@bazaar/contracts/order";
import { STRIPE_JS_URL, STRIPE_PAY_SCRIPT_URL } from "../checkout/stripe-pay-script";
import { money, Steps } from "./checkout-parts";
import { Layout } from "./layout";

// The Payment Element page: Stripe's own iframe takes the card (it never touches our page or
// servers); /assets/stripe-pay.js mounts it from the data attributes and confirms the payment.
// The button stays disabled until the script has mounted the Element.

export function PayPage(props: {
	order: OrderDetail;
	publishableKey: string;
	clientSecret: string;
	/** Where Stripe sends the shopper after confirming (and after a 3-D Secure check). */
	returnUrl: string;
	/** The page that offers another way to pay. */
	otherWayUrl: string;
}) {
	const { order } = props;
	const total = money(order.total, order.currency);
	return (
		<Layout title="Checkout · Pay">
			<h1>Pay for your order</h1>
			<Steps at="Pay" />
			<p>
				Order number <code data-testid="order-id">{order.id}</code> · total <strong data-testid="total">{total}</strong>
			</p>
			<div
				id="stripe-pay"
				class="stripe-pay"
				data-publishable-key={props.publishableKey}
				data-client-secret={props.clientSecret}
				data-return-url={props.returnUrl}
			>
				<form id="stripe-pay-form" class="checkout-form">
					<div id="payment-element" class="payment-element" />
					<p id="stripe-pay-message" class="notice" role="alert" hidden />
					<button id="stripe-pay-submit" type="submit" class="primary" disabled>
						Pay {total}
					</button>
				</form>
			</div>
			<noscript>
				<p class="notice">
					The card form is Stripe's own and needs JavaScript. Turn it on, or choose another way to pay.
				</p>
			</noscript>
			<p>
				<a href={props.otherWayUrl}>Choose another way to pay</a> · <a href="/cart">Back to the cart</a>
			</p>
			<script src={STRIPE_JS_URL} />
			<script src={STRIPE_PAY_SCRIPT_URL} />
		</Layout>
	);
}
