import type { DeadLetter } from "@bazaar/contracts/bus";
import type { PaymentConflict } from "@bazaar/contracts/order";
import type { ReconciliationRun } from "@bazaar/contracts/payment";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";
import { price, When } from "./order-status";

export function OperationsPage(props: {
	roles: readonly string[];
	csrf: string;
	letters: DeadLetter[];
	conflicts: PaymentConflict[] | null;
	runs: ReconciliationRun[] | null;
	message?: FormMessage | undefined;
	done?: string | undefined;
}) {
	return (
		<ConsoleLayout title="Operations" roles={props.roles} csrf={props.csrf} current="operations">
			<h1>Operations</h1>
			<Done text={props.done} />
			<Message message={props.message} />
			<h2 id="dead-letters">Dead letters</h2>
			{props.letters.length === 0 ? (
				<p>No event is waiting: every consumer took what it was sent.</p>
			) : (
				<table>
					<thead>
						<tr>
							<th scope="col">Event</th>
							<th scope="col">Consumer</th>
							<th scope="col">Tries</th>
							<th scope="col">Last error</th>
							<th scope="col">Given up</th>
							<th scope="col">
								<span class="visually-hidden">Actions</span>
							</th>
						</tr>
					</thead>
					<tbody>
						{props.letters.map((d) => (
							<tr>
								<td>
									{d.event.type} <small>{d.event.key}</small>
								</td>
								<td>{d.group}</td>
								<td>{d.deliveries}</td>
								<td>{d.lastError ?? ""}</td>
								<td>
									<When at={d.deadAt} />
								</td>
								<td>
									<form
										method="post"
										action={`/admin/operations/dead-letters/${encodeURIComponent(d.group)}/${encodeURIComponent(d.id)}/replay`}
										class="inline"
									>
										<Csrf token={props.csrf} />
										<button type="submit">Replay</button>
									</form>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			<h2 id="conflicts">Payment conflicts</h2>
			{props.conflicts === null ? (
				<p>The payment conflicts could not be read.</p>
			) : props.conflicts.length === 0 ? (
				<p>No payment conflict.</p>
			) : (
				<ul>
					{props.conflicts.map((p) => (
						<li>
							<a href={`/admin/orders/${p.orderId}`}>{p.orderId}</a>: {p.gateway} {p.reference},{" "}
							{price(p.amount, p.currency)} — {p.reason} ({p.resolution ?? "open"}) · <When at={p.at} />
						</li>
					))}
				</ul>
			)}
			<h2 id="runs">Payment reconciliation</h2>
			<form method="post" action="/admin/operations/reconcile" class="row">
				<Csrf token={props.csrf} />
				<button type="submit">Reconcile pending payments now</button>
			</form>
			{props.runs && props.runs.length > 0 ? (
				<table>
					<thead>
						<tr>
							<th scope="col">Started</th>
							<th scope="col">By</th>
							<th scope="col" class="num">
								Checked
							</th>
							<th scope="col" class="num">
								Settled
							</th>
							<th scope="col" class="num">
								Still pending
							</th>
							<th scope="col" class="num">
								Errors
							</th>
						</tr>
					</thead>
					<tbody>
						{props.runs.map((r) => (
							<tr>
								<td>
									<When at={r.startedAt} />
								</td>
								<td>{r.trigger}</td>
								<td class="num">{r.checked}</td>
								<td class="num">{r.settled}</td>
								<td class="num">{r.stillPending}</td>
								<td class="num">{r.errors}</td>
							</tr>
						))}
					</tbody>
				</table>
			) : (
				<p>No run yet.</p>
			)}
		</ConsoleLayout>
	);
}
