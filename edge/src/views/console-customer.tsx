import { type Address, ROLES, type UserPublic } from "@bazaar/contracts/identity";
import type { OrderSummary } from "@bazaar/contracts/order";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";
import { OrderTable } from "./console-lists";
import { When } from "./order-status";

export function CustomerPage(props: {
	roles: readonly string[];
	csrf: string;
	user: UserPublic;
	addresses: Address[] | null;
	orders: OrderSummary[] | null;
	moreOrders: boolean;
	canChange: boolean;
	message?: FormMessage | undefined;
	done?: string | undefined;
}) {
	const u = props.user;
	const base = `/admin/customers/${u.id}`;
	return (
		<ConsoleLayout title={u.name} roles={props.roles} csrf={props.csrf} current="customers">
			<h1>{u.name}</h1>
			<Done text={props.done} />
			<Message message={props.message} />
			<dl>
				<dt>Email</dt>
				<dd>{u.email}</dd>
				<dt>Roles</dt>
				<dd data-testid="roles">{u.roles.join(", ")}</dd>
				<dt>Since</dt>
				<dd>
					<When at={u.createdAt} />
				</dd>
			</dl>
			<h2>Orders</h2>
			{props.orders ? <OrderTable items={props.orders} /> : <p>Orders are not shown to your role.</p>}
			{props.moreOrders ? (
				<p>
					<a href={`/admin/orders?customer=${u.id}`}>All of this customer's orders</a>
				</p>
			) : null}
			<h2>Addresses</h2>
			{props.addresses && props.addresses.length > 0 ? (
				<ul class="addresses">
					{props.addresses.map((a) => (
						<li>
							<address>
								{a.recipient}
								<br />
								{a.line1}
								{a.line2 ? `, ${a.line2}` : ""}
								<br />
								{[a.postalCode, a.city, a.region].filter(Boolean).join(" ")} {a.country}
							</address>
						</li>
					))}
				</ul>
			) : (
				<p>No saved address.</p>
			)}
			{props.canChange ? (
				<>
					<h2>Roles</h2>
					<form method="post" action={`${base}/roles`}>
						<Csrf token={props.csrf} />
						<fieldset>
							<legend>What this account may do</legend>
							{ROLES.map((r) => (
								<label class="choice">
									<input type="checkbox" name="role" value={r} checked={u.roles.includes(r)} /> {r}
								</label>
							))}
						</fieldset>
						<button type="submit">Save roles</button>
					</form>
					<h2>Sessions</h2>
					<form method="post" action={`${base}/logout-everywhere`} data-confirm={`Sign ${u.name} out on every device?`}>
						<Csrf token={props.csrf} />
						<p>Ends every session of this account at once (a lost phone, a shared computer).</p>
						<button type="submit" class="danger">
							Log out everywhere
						</button>
					</form>
				</>
			) : null}
		</ConsoleLayout>
	);
}
