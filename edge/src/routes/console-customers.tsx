import { AddressList, UserPublic } from "@bazaar/contracts/identity";
import { OrderList } from "@bazaar/contracts/order";
import { Hono } from "hono";
import { canRead, canWrite } from "../console/access";
import { adminCall } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, refusal, staff } from "../console/page";
import type { AppContext, AppEnv } from "../env";
import { checkedForm } from "../lib/forms";
import { seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { CustomerPage } from "../views/console-customer";

// One account: its orders and addresses for the support desk; its roles and "log out
// everywhere" for admins.

export const consoleCustomers = new Hono<AppEnv>();

const DONE: Record<string, string> = {
	roles: "The roles were saved; they apply to the account's next request.",
	"logged-out": "Every session of this account has ended.",
};

const userPath = (id: string) => `/identity/users/${encodeURIComponent(id)}`;

async function renderCustomer(c: AppContext, id: string, status: number, message?: FormMessage) {
	const s = staff(c);
	const [user, addresses, orders] = await Promise.all([
		adminCall(c, UserPublic, "GET", userPath(id)),
		adminCall(c, AddressList, "GET", `${userPath(id)}/addresses`),
		canRead(s.roles, "orders")
			? adminCall(c, OrderList, "GET", `/orders?customer=${encodeURIComponent(id)}&limit=20`)
			: null,
	]);
	if (!user.ok) return failedRead(c, user, "customers");
	const page = (
		<CustomerPage
			roles={s.roles}
			csrf={s.csrf}
			user={user.value}
			addresses={addresses.ok ? addresses.value.items : null}
			orders={orders?.ok ? orders.value.items : null}
			moreOrders={orders?.ok ? orders.value.nextCursor !== null : false}
			canChange={canWrite(s.roles, "customers")}
			message={message}
			done={doneText(c, DONE)}
		/>
	);
	return consolePage(c, status, page);
}

consoleCustomers.get("/customers/:id{usr_[0-9A-Za-z]+}", async (c) => {
	const denied = gate(c, "customers");
	if (denied) return denied;
	return renderCustomer(c, c.req.param("id"), 200);
});

consoleCustomers.post("/customers/:id{usr_[0-9A-Za-z]+}/roles", async (c) => {
	const denied = gate(c, "customers", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	// Checkboxes: one `role` field per ticked box.
	const roles = (await c.req.formData()).getAll("role").filter((r) => typeof r === "string");
	const answer = await adminCall(c, UserPublic, "PUT", `${userPath(id)}/roles`, { roles });
	if (!answer.ok) return renderCustomer(c, id, refusal(answer).status, refusal(answer).message);
	return seeOther(c, `/admin/customers/${id}?done=roles`);
});

consoleCustomers.post("/customers/:id{usr_[0-9A-Za-z]+}/logout-everywhere", async (c) => {
	const denied = gate(c, "customers", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const answer = await adminCall(c, UserPublic, "POST", `${userPath(id)}/logout-everywhere`);
	if (!answer.ok) return renderCustomer(c, id, refusal(answer).status, refusal(answer).message);
	return seeOther(c, `/admin/customers/${id}?done=logged-out`);
});
