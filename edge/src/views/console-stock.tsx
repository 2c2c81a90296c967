import type { BalanceRow, LedgerPage, SkuStock } from "@bazaar/contracts/inventory";
import type { Fields } from "../console/product-form";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";
import { When } from "./order-status";

type Staff = { roles: readonly string[]; csrf: string };

const LOW = 5;

export function StockLevelsPage(props: Staff & { rows: BalanceRow[] }) {
	return (
		<ConsoleLayout title="Stock" roles={props.roles} csrf={props.csrf} current="stock">
			<h1>Stock</h1>
			<form method="get" action="/admin/stock" class="row">
				<label>
					SKU <input name="sku" required />
				</label>
				<button type="submit">Open</button>
			</form>
			<table>
				<thead>
					<tr>
						<th scope="col">SKU</th>
						<th scope="col">Warehouse</th>
						<th scope="col" class="num">
							On hand
						</th>
						<th scope="col" class="num">
							Reserved
						</th>
						<th scope="col" class="num">
							Available
						</th>
					</tr>
				</thead>
				<tbody>
					{props.rows.map((r) => (
						<tr>
							<td>
								<a href={`/admin/stock/${encodeURIComponent(r.sku)}`}>{r.sku}</a>
							</td>
							<td>{r.warehouse}</td>
							<td class="num">{r.bounded ? r.onHand : "—"}</td>
							<td class="num">{r.reserved}</td>
							<td class={r.bounded && (r.available ?? 0) <= LOW ? "num low" : "num"}>
								{r.available === null ? "unlimited" : r.available}
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</ConsoleLayout>
	);
}

export function StockSkuPage(
	props: Staff & {
		sku: string;
		stock: SkuStock | null;
		ledger: LedgerPage | null;
		canChange: boolean;
		values: Fields;
		message?: FormMessage | undefined;
		done?: string | undefined;
	},
) {
	const base = `/admin/stock/${encodeURIComponent(props.sku)}`;
	const v = props.values;
	return (
		<ConsoleLayout title={`Stock of ${props.sku}`} roles={props.roles} csrf={props.csrf} current="stock">
			<h1>Stock of {props.sku}</h1>
			<Done text={props.done} />
			<Message message={props.message} />
			{props.stock && props.stock.rows.length > 0 ? (
				<table data-testid="stock-levels">
					<caption class="visually-hidden">Levels per warehouse</caption>
					<thead>
						<tr>
							<th scope="col">Warehouse</th>
							<th scope="col">Slot</th>
							<th scope="col" class="num">
								On hand
							</th>
							<th scope="col" class="num">
								Reserved
							</th>
							<th scope="col" class="num">
								Sold
							</th>
							<th scope="col" class="num">
								Available
							</th>
						</tr>
					</thead>
					<tbody>
						{props.stock.rows.map((r) => (
							<tr>
								<td>{r.warehouse}</td>
								<td>{r.slot ?? "—"}</td>
								<td class="num">{r.onHand}</td>
								<td class="num">{r.reserved}</td>
								<td class="num">{r.sold}</td>
								<td class="num" data-testid={`available-${r.warehouse}`}>
									{r.available === null ? "unlimited" : r.available}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			) : (
				<p>No stock recorded for this SKU yet.</p>
			)}
			{props.canChange && props.stock === null ? (
				<form method="post" action={`${base}/define`}>
					<Csrf token={props.csrf} />
					<fieldset>
						<legend>Keep stock for this SKU</legend>
						<div class="fields">
							<label>
								How
								<select name="policy">
									<option value="tracked">Counted units (goods)</option>
									<option value="unlimited">Unlimited (downloads, licences)</option>
									<option value="capacity">Places per time slot (appointments)</option>
								</select>
							</label>
							<label>
								Places per slot <small>(appointments only)</small>
								<input name="slotCapacity" inputmode="numeric" value={v.slotCapacity ?? ""} />
							</label>
						</div>
						<button type="submit">Start keeping stock</button>
					</fieldset>
				</form>
			) : null}
			{props.canChange && props.stock !== null ? (
				<div class="actions">
					<form method="post" action={`${base}/receive`}>
						<Csrf token={props.csrf} />
						<fieldset>
							<legend>Receive units</legend>
							<div class="fields">
								<label>
									Units <input name="quantity" inputmode="numeric" required value={v.quantity ?? ""} />
								</label>
								<label>
									Reference <small>(delivery note)</small> <input name="reason" value={v.reason ?? ""} />
								</label>
								<label>
									Warehouse <input name="warehouse" placeholder="main" value={v.warehouse ?? ""} />
								</label>
							</div>
							<button type="submit">Receive</button>
						</fieldset>
					</form>
					<form method="post" action={`${base}/adjust`}>
						<Csrf token={props.csrf} />
						<fieldset>
							<legend>Adjust (a recount, damage, shrinkage)</legend>
							<div class="fields">
								<label>
									Change in units <small>(−3 removes three)</small>{" "}
									<input name="delta" required value={v.delta ?? ""} />
								</label>
								<label>
									Reason <input name="reason" required value={v.reason ?? ""} />
								</label>
								<label>
									Warehouse <input name="warehouse" placeholder="main" value={v.warehouse ?? ""} />
								</label>
							</div>
							<button type="submit">Adjust</button>
						</fieldset>
					</form>
				</div>
			) : null}
			<h2>Ledger</h2>
			{props.ledger && props.ledger.entries.length > 0 ? (
				<>
					<table>
						<thead>
							<tr>
								<th scope="col">When</th>
								<th scope="col">Movement</th>
								<th scope="col" class="num">
									Units
								</th>
								<th scope="col">Warehouse</th>
								<th scope="col">Reason</th>
								<th scope="col">By</th>
							</tr>
						</thead>
						<tbody>
							{props.ledger.entries.map((e) => (
								<tr>
									<td>
										<When at={e.at} />
									</td>
									<td>{e.kind}</td>
									<td class="num">{e.quantity}</td>
									<td>{e.warehouse}</td>
									<td>{e.reason ?? e.reservationId ?? ""}</td>
									<td>{e.actor ?? ""}</td>
								</tr>
							))}
						</tbody>
					</table>
					{props.ledger.next !== null ? (
						<nav class="pager" aria-label="Ledger pages">
							<a href={`${base}?after=${props.ledger.next}`} rel="next">
								Later movements
							</a>
						</nav>
					) : null}
				</>
			) : (
				<p>No movements yet.</p>
			)}
		</ConsoleLayout>
	);
}
