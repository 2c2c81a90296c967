import { formatMoney } from "@bazaar/money";
import { BarChart } from "./console-chart";
import { ConsoleLayout } from "./console-layout";

type Count = { count: number; complete: boolean };
type Point = { label: string; orders: number; revenue: number };

export interface DashboardTiles {
	orders?: {
		today: number;
		complete: boolean;
		revenueToday: { currency: string; amount: number }[];
		/** The charts' revenue is in this currency only (orders in others are counted, not summed). */
		currency: string;
		hours: Point[];
		days: Point[];
	};
	awaitingPayment?: Count;
	awaitingDispatch?: Count;
	paymentConflicts?: Count;
	lowStock?: { sku: string; warehouse: string; available: number }[];
	deadLetters?: Count;
}

const atLeast = (n: number, complete: boolean) => (complete ? String(n) : `${n}+`);

function Tile(props: { figure: string; label: string; href: string; id: string }) {
	return (
		<li>
			<span class="figure" data-testid={props.id}>
				{props.figure}
			</span>
			<a href={props.href}>{props.label}</a>
		</li>
	);
}

export function DashboardPage(props: { roles: readonly string[]; csrf: string; tiles: DashboardTiles }) {
	const t = props.tiles;
	const o = t.orders;
	const money = (amount: number) => formatMoney({ amount, currency: o?.currency ?? "USD" });
	const count = (n: number) => String(n);
	const todayIso = new Date().toISOString().slice(0, 10);
	return (
		<ConsoleLayout title="Dashboard" roles={props.roles} csrf={props.csrf} current="dashboard">
			<h1>Dashboard</h1>
			<ul class="tiles">
				{o ? (
					<>
						<Tile
							id="orders-today"
							figure={atLeast(o.today, o.complete)}
							label="Orders today"
							href={`/admin/orders?from=${todayIso}`}
						/>
						<Tile
							id="revenue-today"
							figure={o.revenueToday.length > 0 ? o.revenueToday.map((r) => formatMoney(r)).join(" + ") : money(0)}
							label="Revenue today"
							href={`/admin/orders?from=${todayIso}`}
						/>
					</>
				) : null}
				{t.awaitingPayment ? (
					<Tile
						id="awaiting-payment"
						figure={atLeast(t.awaitingPayment.count, t.awaitingPayment.complete)}
						label="Awaiting payment"
						href="/admin/orders?status=pending_payment"
					/>
				) : null}
				{t.awaitingDispatch ? (
					<Tile
						id="awaiting-dispatch"
						figure={atLeast(t.awaitingDispatch.count, t.awaitingDispatch.complete)}
						label="Paid, awaiting dispatch"
						href="/admin/orders?status=paid"
					/>
				) : null}
				{t.paymentConflicts ? (
					<Tile
						id="payment-conflicts"
						figure={atLeast(t.paymentConflicts.count, t.paymentConflicts.complete)}
						label="Open payment conflicts"
						href="/admin/operations#conflicts"
					/>
				) : null}
				{t.deadLetters !== undefined ? (
					<Tile
						id="dead-letters"
						figure={atLeast(t.deadLetters.count, t.deadLetters.complete)}
						label="Dead letters"
						href="/admin/operations"
					/>
				) : null}
				{t.lowStock ? (
					<Tile id="low-stock" figure={String(t.lowStock.length)} label="SKUs low on stock" href="#low-stock" />
				) : null}
			</ul>
			{o ? (
				<section aria-labelledby="charts">
					<h2 id="charts">Orders and revenue</h2>
					<div class="charts">
						<BarChart
							id="orders-hour"
							title="Orders per hour today (UTC)"
							bars={o.hours.map((p) => ({ label: p.label, value: p.orders }))}
							format={count}
						/>
						<BarChart
							id="revenue-hour"
							title={`Revenue per hour today in ${o.currency} (UTC)`}
							bars={o.hours.map((p) => ({ label: p.label, value: p.revenue }))}
							format={money}
						/>
						<BarChart
							id="orders-day"
							title="Orders per day, last 30 days"
							bars={o.days.map((p) => ({ label: p.label, value: p.orders }))}
							format={count}
						/>
						<BarChart
							id="revenue-day"
							title={`Revenue per day in ${o.currency}, last 30 days`}
							bars={o.days.map((p) => ({ label: p.label, value: p.revenue }))}
							format={money}
						/>
					</div>
				</section>
			) : null}
			{t.lowStock && t.lowStock.length > 0 ? (
				<section aria-labelledby="low-stock">
					<h2 id="low-stock">Low stock</h2>
					<table>
						<thead>
							<tr>
								<th scope="col">SKU</th>
								<th scope="col">Warehouse</th>
								<th scope="col" class="num">
									Available
								</th>
							</tr>
						</thead>
						<tbody>
							{t.lowStock.slice(0, 50).map((r) => (
								<tr>
									<td>
										<a href={`/admin/stock/${encodeURIComponent(r.sku)}`}>{r.sku}</a>
									</td>
									<td>{r.warehouse}</td>
									<td class="num low">{r.available}</td>
								</tr>
							))}
						</tbody>
					</table>
				</section>
			) : null}
		</ConsoleLayout>
	);
}
