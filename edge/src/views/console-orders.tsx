import type { ShipmentDetail } from "@bazaar/contracts/fulfillment";
import type { OrderDetail, PaymentConflict, RefundRequest } from "@bazaar/contracts/order";
import type { OrderPayment } from "@bazaar/contracts/payment";
import { formatMoney } from "@bazaar/money";
import type { Fields } from "../console/product-form";
import { statusWords } from "../lib/orders";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";
import { Destination } from "./order-detail";
import { price, StatusTag, When } from "./order-status";

type Staff = { roles: readonly string[]; csrf: string };

const REFUNDABLE = new Set(["paid", "fulfilled", "delivered", "partially_refunded"]);

function Lines({ order }: { order: OrderDetail }) {
	const money = (n: number) => price(n, order.currency);
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">SKU</th>
					<th scope="col">Item</th>
					<th scope="col" class="num">
						Units
					</th>
					<th scope="col" class="num">
						Unit price
					</th>
					<th scope="col" class="num">
						Total
					</th>
				</tr>
			</thead>
			<tbody>
				{order.lines.map((l) => (
					<tr>
						<td>{l.sku}</td>
						<td>{l.title}</td>
						<td class="num">{l.quantity}</td>
						<td class="num">{money(l.unitPrice)}</td>
						<td class="num">{money(l.lineTotal - (l.discountTotal ?? 0))}</td>
					</tr>
				))}
			</tbody>
			<tfoot>
				<tr>
					<th scope="row" colspan={4}>
						Shipping
					</th>
					<td class="num">{money(order.shippingAmount)}</td>
				</tr>
				<tr>
					<th scope="row" colspan={4}>
						Tax
					</th>
					<td class="num">{money(order.taxAmount)}</td>
				</tr>
				<tr>
					<th scope="row" colspan={4}>
						Total
					</th>
					<td class="num">{money(order.total)}</td>
				</tr>
				<tr>
					<th scope="row" colspan={4}>
						Refunded
					</th>
					<td class="num" data-testid="refunded">
						{money(order.refundedAmount)}
					</td>
				</tr>
			</tfoot>
		</table>
	);
}

function RefundForm(props: { order: OrderDetail; csrf: string; refundKey: string; values: Fields }) {
	const o = props.order;
	const v = props.values;
	const mode = v.mode ?? "all";
	return (
		<form method="post" action={`/admin/orders/${o.id}/refund`} data-confirm="Send this refund to the payment gateway?">
			<Csrf token={props.csrf} />
			<input type="hidden" name="idempotencyKey" value={props.refundKey} />
			<fieldset>
				<legend>Refund</legend>
				<label class="choice">
					<input type="radio" name="mode" value="all" checked={mode === "all"} /> Everything left on the payment
				</label>
				<label class="choice">
					<input type="radio" name="mode" value="amount" checked={mode === "amount"} /> An amount
				</label>
				<label class="block">
					Amount in {o.currency} <input name="amount" inputmode="decimal" value={v.amount ?? ""} />
				</label>
				<label class="choice">
					<input type="radio" name="mode" value="lines" checked={mode === "lines"} /> Units of some lines (each at what
					the shopper paid for it)
				</label>
				<div class="fields">
					{o.lines.map((l) => (
						<label>
							{l.sku} — {l.title} (of {l.quantity})
							<input name={`line.${l.variantId}`} inputmode="numeric" value={v[`line.${l.variantId}`] ?? ""} />
						</label>
					))}
				</div>
				<label class="block">
					Reason <input name="reason" required maxlength={500} value={v.reason ?? ""} />
				</label>
				<label class="choice">
					<input type="checkbox" name="restock" checked={v.restock === "on"} /> Return the units to stock (only with a
					refund of everything left)
				</label>
				<button type="submit">Refund</button>
			</fieldset>
		</form>
	);
}

function Shipments(props: { order: OrderDetail; shipments: ShipmentDetail[]; csrf: string; canChange: boolean }) {
	if (props.shipments.length === 0) return <p>No shipment yet (one is made when the order is paid).</p>;
	return (
		<>
			{props.shipments.map((s) => {
				const base = `/admin/orders/${props.order.id}/shipments/${s.id}`;
				return (
					<section class="shipment" data-shipment={s.id}>
						<h3>
							{s.kind === "digital" ? "Digital delivery" : "Parcel"} {s.id}:{" "}
							<span class="tag" data-testid="shipment-status">
								{s.status}
							</span>
						</h3>
						<p>
							{s.lines.map((l) => `${l.quantity} × ${l.sku}`).join(", ")}
							{s.trackingNumber ? ` · ${s.carrier ?? ""} ${s.trackingNumber}` : ""}
						</p>
						{props.canChange && s.status === "pending" ? (
							<div class="actions">
								<form method="post" action={`${base}/ship`} class="row">
									<Csrf token={props.csrf} />
									<label>
										Carrier <input name="carrier" placeholder="bazaar-post" />
									</label>
									<label>
										Tracking number <input name="trackingNumber" />
									</label>
									<button type="submit">Mark shipped</button>
								</form>
								<form method="post" action={`${base}/cancel`} class="row" data-confirm="Cancel this shipment?">
									<Csrf token={props.csrf} />
									<label>
										Reason <input name="reason" />
									</label>
									<button type="submit">Cancel shipment</button>
								</form>
							</div>
						) : null}
						{props.canChange && (s.status === "shipped" || s.status === "in_transit") ? (
							<form method="post" action={`${base}/deliver`} class="row">
								<Csrf token={props.csrf} />
								<button type="submit">Mark delivered</button>
							</form>
						) : null}
					</section>
				);
			})}
		</>
	);
}

export function OrderPage(
	props: Staff & {
		order: OrderDetail;
		refunds: RefundRequest[] | null;
		shipments: ShipmentDetail[] | null;
		payments: OrderPayment[] | null;
		conflicts: PaymentConflict[] | null;
		canChange: boolean;
		refundKey: string;
		values: Fields;
		message?: FormMessage | undefined;
		done?: string | undefined;
	},
) {
	const o = props.order;
	return (
		<ConsoleLayout title={`Order ${o.id}`} roles={props.roles} csrf={props.csrf} current="orders">
			<h1>Order {o.id}</h1>
			<p>
				<StatusTag status={o.status} /> · placed <When at={o.createdAt} /> by{" "}
				<a href={`/admin/customers/${o.customerId}`}>{o.email}</a> ·{" "}
				<a href={`/admin/orders/${o.id}/slip`}>Packing slip</a>
			</p>
			<Done text={props.done} />
			<Message message={props.message} />
			<Lines order={o} />
			<Destination order={o} />
			<h2>Shipments</h2>
			{props.shipments ? (
				<Shipments order={o} shipments={props.shipments} csrf={props.csrf} canChange={props.canChange} />
			) : (
				<p>Shipments are not shown to your role.</p>
			)}
			<h2>Payments</h2>
			{props.payments ? (
				props.payments.length > 0 ? (
					<ul>
						{props.payments.map((p) => (
							<li>
								{p.gateway} {p.reference}: {formatMoney(p.amount)} — {p.status}
								{p.refundedAmount > 0 ? `, ${price(p.refundedAmount, p.amount.currency)} refunded` : ""}
								{p.refunds.length > 0 ? (
									<ul>
										{p.refunds.map((r) => (
											<li>
												{formatMoney(r.amount)} {r.status} — {r.reason} (<When at={r.createdAt} />)
											</li>
										))}
									</ul>
								) : null}
							</li>
						))}
					</ul>
				) : (
					<p>No payment yet.</p>
				)
			) : (
				<p>Payments are not shown to your role.</p>
			)}
			{props.conflicts && props.conflicts.length > 0 ? (
				<>
					<h2>Payment conflicts</h2>
					<ul>
						{props.conflicts.map((p) => (
							<li>
								{p.gateway} {p.reference}: {price(p.amount, p.currency)} — {p.reason} ({p.resolution ?? "open"})
							</li>
						))}
					</ul>
				</>
			) : null}
			{props.refunds && props.refunds.length > 0 ? (
				<>
					<h2>Refunds asked</h2>
					<ul data-testid="refunds">
						{props.refunds.map((r) => (
							<li>
								{formatMoney(r.amount)} — {r.status} — {r.reason} {r.restock ? "(restocked)" : ""} (
								<When at={r.createdAt} />)
							</li>
						))}
					</ul>
				</>
			) : null}
			{props.canChange && REFUNDABLE.has(o.status) ? (
				<RefundForm order={o} csrf={props.csrf} refundKey={props.refundKey} values={props.values} />
			) : null}
			{props.canChange && o.status === "pending_payment" ? (
				<form method="post" action={`/admin/orders/${o.id}/cancel`} class="row" data-confirm="Cancel this order?">
					<Csrf token={props.csrf} />
					<label>
						Reason <input name="reason" />
					</label>
					<button type="submit" class="danger">
						Cancel order
					</button>
				</form>
			) : null}
			<h2>Timeline</h2>
			<ol class="timeline">
				{o.timeline.map((t) => (
					<li>
						<When at={t.at} /> — {t.from ? `${statusWords(t.from)} → ` : "placed: "}
						<strong>{statusWords(t.to)}</strong>, by {t.actor}
						{t.reason ? ` (${t.reason})` : ""}
					</li>
				))}
			</ol>
		</ConsoleLayout>
	);
}

/** The packing slip: what goes in the parcel and where it goes, printed (print CSS hides the console). */
export function PackingSlipPage(props: Staff & { order: OrderDetail; shipments: ShipmentDetail[] }) {
	const o = props.order;
	const parcels = props.shipments.filter((s) => s.kind === "parcel" && s.status !== "cancelled");
	const lines = parcels.length > 0 ? parcels.flatMap((s) => s.lines) : o.lines;
	return (
		<ConsoleLayout title={`Packing slip ${o.id}`} roles={props.roles} csrf={props.csrf} current="orders">
			<div class="slip">
				<h1>Packing slip</h1>
				<p class="no-print">
					<a href={`/admin/orders/${o.id}`}>Back to the order</a> · Print this page (Ctrl+P) to get the slip.
				</p>
				<p>
					Order <strong>{o.id}</strong> · <When at={o.createdAt} /> ·{" "}
					{o.shippingMethod ? `${o.shippingMethod} shipping` : "nothing to ship"}
				</p>
				<Destination order={o} shipHeading="Ship to" />
				<h2>Contents</h2>
				<table>
					<thead>
						<tr>
							<th scope="col">SKU</th>
							<th scope="col">Item</th>
							<th scope="col" class="num">
								Units
							</th>
							<th scope="col">Packed</th>
						</tr>
					</thead>
					<tbody>
						{lines.map((l) => (
							<tr>
								<td>{l.sku}</td>
								<td>{l.title}</td>
								<td class="num">{l.quantity}</td>
								<td>☐</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</ConsoleLayout>
	);
}
