import type { OrderStatus } from "@bazaar/contracts/order";
import { statusWords } from "../lib/orders";
import { formatInMarket } from "../markets/context";

// Small pieces the order pages share.

/**
 * The refund statuses' colours, inline because the shared status colours live in the checkout's
 * and account's stylesheets: money going back is told apart from paid (green) and closed (grey).
 */
const REFUND_COLOURS: Partial<Record<OrderStatus, string>> = {
	partially_refunded: "background:#e8f0fe;color:#1a4a8a",
	refunded: "background:#ede7f6;color:#4a2a7a",
};

export function StatusTag({ status }: { status: OrderStatus }) {
	return (
		<span class={`tag status-${status}`} data-status={status} style={REFUND_COLOURS[status]}>
			{statusWords(status)}
		</span>
	);
}

export function When({ at }: { at: string }) {
	const d = new Date(at);
	const text = Number.isNaN(d.getTime()) ? at : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
	return <time datetime={at}>{text}</time>;
}

export const price = (amount: number, currency: string) => formatInMarket({ amount, currency });
