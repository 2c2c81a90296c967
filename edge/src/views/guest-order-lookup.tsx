import { Csrf, EmailField, type FormMessage, Message } from "./account-pages";
import { Layout } from "./layout";

// Find a guest order again without its mail: the order number and the email it was placed with.

export function GuestLookupPage(props: { csrf: string; orderId?: string; email?: string; message?: FormMessage }) {
	return (
		<Layout title="Find your order">
			<h1>Find your order</h1>
			<p>Checked out as a guest? Enter the order number from your confirmation and the email you used.</p>
			<Message message={props.message} />
			<form action="/orders/lookup" method="post">
				<Csrf token={props.csrf} />
				<p>
					<label>
						Order number{" "}
						<input name="orderId" value={props.orderId ?? ""} required maxlength={64} placeholder="ord_…" />
					</label>
				</p>
				<EmailField value={props.email} />
				<button type="submit">Find the order</button>
			</form>
			<p>
				Have an account? <a href="/account/orders">See your orders</a>
			</p>
		</Layout>
	);
}
