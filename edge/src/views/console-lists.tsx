import type { AdminProductSummary, Category } from "@bazaar/contracts";
import { ROLES, type UserPublic } from "@bazaar/contracts/identity";
import { ORDER_STATUSES, type OrderSummary } from "@bazaar/contracts/order";
import { formatMoney } from "@bazaar/money";
import { statusWords } from "../lib/orders";
import { ConsoleLayout, Pager } from "./console-layout";
import { price, StatusTag, When } from "./order-status";

// The console's lists: a filter form (GET, so a filtered page is a link) over a table, and the
// next page's link carrying the admin API's cursor.

type Staff = { roles: readonly string[]; csrf: string };
type Filters = Record<string, string>;

function Choice(props: { name: string; label: string; value: string; options: [string, string][] }) {
	return (
		<label>
			{props.label}
			<select name={props.name}>
				<option value="">Any</option>
				{props.options.map(([v, t]) => (
					<option value={v} selected={v === props.value}>
						{t}
					</option>
				))}
			</select>
		</label>
	);
}

const filterParams = (f: Filters) => new URLSearchParams(Object.entries(f).filter(([, v]) => v !== ""));

export function ProductListPage(
	props: Staff & {
		items: AdminProductSummary[];
		nextCursor: string | null;
		filters: Filters;
		categories: Category[];
		canChange: boolean;
	},
) {
	const f = props.filters;
	return (
		<ConsoleLayout title="Products" roles={props.roles} csrf={props.csrf} current="catalog">
			<h1>Products</h1>
			<p class="actions">
				{props.canChange ? <a href="/admin/products/new">New product</a> : null}
				<a href="/admin/categories">Categories</a>
			</p>
			<form method="get" action="/admin/products" class="row">
				<label>
					Search <input type="search" name="q" value={f.q ?? ""} />
				</label>
				<Choice
					name="kind"
					label="Kind"
					value={f.kind ?? ""}
					options={[
						["physical", "Physical"],
						["digital", "Digital"],
						["service", "Service"],
					]}
				/>
				<Choice
					name="status"
					label="Status"
					value={f.status ?? ""}
					options={[
						["active", "Active"],
						["draft", "Draft"],
						["archived", "Archived"],
					]}
				/>
				<Choice
					name="category"
					label="Category"
					value={f.category ?? ""}
					options={props.categories.map((c) => [c.slug, c.name] as [string, string])}
				/>
				<button type="submit">Filter</button>
			</form>
			<table>
				<thead>
					<tr>
						<th scope="col">Title</th>
						<th scope="col">Kind</th>
						<th scope="col">Status</th>
						<th scope="col" class="num">
							Price
						</th>
						<th scope="col">In stock</th>
						<th scope="col">Changed</th>
					</tr>
				</thead>
				<tbody>
					{props.items.map((p) => (
						<tr>
							<td>
								<a href={`/admin/products/${p.id}`}>{p.title}</a>
							</td>
							<td>{p.kind}</td>
							<td>{p.status}</td>
							<td class="num">{p.price ? formatMoney(p.price) : "—"}</td>
							<td>{p.inStock ? "yes" : "no"}</td>
							<td>
								<When at={p.updatedAt} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{props.items.length === 0 ? <p>No product matches.</p> : null}
			<Pager base={filterParams(f)} next={props.nextCursor} />
		</ConsoleLayout>
	);
}

export function OrderListPage(props: Staff & { items: OrderSummary[]; nextCursor: string | null; filters: Filters }) {
	const f = props.filters;
	return (
		<ConsoleLayout title="Orders" roles={props.roles} csrf={props.csrf} current="orders">
			<h1>Orders</h1>
			<form method="get" action="/admin/orders" class="row">
				<Choice
					name="status"
					label="Status"
					value={f.status ?? ""}
					options={ORDER_STATUSES.map((s) => [s, statusWords(s)] as [string, string])}
				/>
				<label>
					From <input type="date" name="from" value={f.from ?? ""} />
				</label>
				<label>
					Before <input type="date" name="to" value={f.to ?? ""} />
				</label>
				<label>
					Customer id <input name="customer" value={f.customer ?? ""} />
				</label>
				<label>
					Gateway <input name="gateway" value={f.gateway ?? ""} />
				</label>
				<button type="submit">Filter</button>
			</form>
			<OrderTable items={props.items} />
			<Pager base={filterParams(f)} next={props.nextCursor} />
		</ConsoleLayout>
	);
}

export function OrderTable({ items }: { items: OrderSummary[] }) {
	if (items.length === 0) return <p>No order matches.</p>;
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">Order</th>
					<th scope="col">Placed</th>
					<th scope="col">Status</th>
					<th scope="col">Customer</th>
					<th scope="col">Gateway</th>
					<th scope="col" class="num">
						Total
					</th>
				</tr>
			</thead>
			<tbody>
				{items.map((o) => (
					<tr>
						<td>
							<a href={`/admin/orders/${o.id}`}>{o.id}</a>
						</td>
						<td>
							<When at={o.createdAt} />
						</td>
						<td>
							<StatusTag status={o.status} />
						</td>
						<td>{o.email}</td>
						<td>{o.paymentGateway ?? "—"}</td>
						<td class="num">{price(o.total, o.currency)}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}

export function CustomerListPage(props: Staff & { items: UserPublic[]; nextCursor: string | null; filters: Filters }) {
	const f = props.filters;
	return (
		<ConsoleLayout title="Customers" roles={props.roles} csrf={props.csrf} current="customers">
			<h1>Customers</h1>
			<form method="get" action="/admin/customers" class="row">
				<label>
					Email or name <input type="search" name="q" value={f.q ?? ""} />
				</label>
				<Choice name="role" label="Role" value={f.role ?? ""} options={ROLES.map((r) => [r, r] as [string, string])} />
				<button type="submit">Search</button>
			</form>
			<table>
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">Email</th>
						<th scope="col">Roles</th>
						<th scope="col">Since</th>
					</tr>
				</thead>
				<tbody>
					{props.items.map((u) => (
						<tr>
							<td>
								<a href={`/admin/customers/${u.id}`}>{u.name}</a>
							</td>
							<td>{u.email}</td>
							<td>{u.roles.join(", ")}</td>
							<td>
								<When at={u.createdAt} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{props.items.length === 0 ? <p>No account matches.</p> : null}
			<Pager base={filterParams(f)} next={props.nextCursor} />
		</ConsoleLayout>
	);
}
