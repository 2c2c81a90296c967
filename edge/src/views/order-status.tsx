import type { OrderStatus } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { statusWords } from "../lib/orders";

// Small pieces the order pages share.

export function StatusTag({ status }: { status: OrderStatus }) {
	return (
		<span class={`tag status-${status}`} data-status={status}>
			{statusWords(status)}
		</span>
	);
}

export function When({ at }: { at: string }) {
	const d = new Date(at);
	const text = Number.isNaN(d.getTime()) ? at : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
	return <time datetime={at}>{text}</time>;
}

export const price = (amount: number, currency: string) => formatMoney({ amount, currency });
