import type { OrderSummary } from "@bazaar/contracts/order";
import { AccountNav } from "./account-pages";
import { Layout } from "./layout";
import { price, StatusTag, When } from "./order-status";

// The customer's orders, newest first, one page at a time (keyset cursor from the core).

export function OrderListPage(props: { orders: OrderSummary[]; nextHref: string | null; firstPage: boolean }) {
	return (
		<Layout title="Your orders">
			<h1>Your orders</h1>
			<AccountNav current="orders" />
			{props.orders.length === 0 ? (
				<p>{props.firstPage ? "You have not placed an order yet." : "There are no older orders."}</p>
			) : (
				<table class="orders">
					<thead>
						<tr>
							<th>Order</th>
							<th>Placed</th>
							<th>Items</th>
							<th>Total</th>
							<th>Status</th>
						</tr>
					</thead>
					<tbody>
						{props.orders.map((o) => (
							<tr data-order-id={o.id}>
								<td>
									<a href={`/account/orders/${o.id}`}>{o.id}</a>
								</td>
								<td>
									<When at={o.createdAt} />
								</td>
								<td>{o.itemCount}</td>
								<td>{price(o.total, o.currency)}</td>
								<td>
									<StatusTag status={o.status} />
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			<nav class="pager" aria-label="Pages">
				{props.firstPage ? null : <a href="/account/orders">Newest orders</a>}
				{props.nextHref ? (
					<a href={props.nextHref} rel="next">
						Older orders
					</a>
				) : null}
			</nav>
		</Layout>
	);
}
