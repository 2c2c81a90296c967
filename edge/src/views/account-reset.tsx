import { Csrf, EmailField, type FormMessage, Message } from "./account-pages";
import { Layout } from "./layout";

// Password reset: ask for a link by email, then choose a new password from the link.

export function ResetRequestPage(props: { csrf: string; email?: string; message?: FormMessage; sent?: boolean }) {
	return (
		<Layout title="Reset your password">
			<h1>Reset your password</h1>
			{props.sent ? (
				<div class="notice ok" role="status">
					<p>
						If an account uses that email address, we have sent it a link to choose a new password. The link works once
						and for a limited time.
					</p>
				</div>
			) : (
				<p>Enter the email address of your account and we will send you a link to choose a new password.</p>
			)}
			<Message message={props.message} />
			<form action="/account/reset" method="post">
				<Csrf token={props.csrf} />
				<EmailField value={props.email} />
				<button type="submit">Send the link</button>
			</form>
			<p>
				<a href="/account/login">Back to log in</a>
			</p>
		</Layout>
	);
}

export function ResetConfirmPage(props: { csrf: string; token: string; message?: FormMessage }) {
	return (
		<Layout title="Choose a new password">
			<h1>Choose a new password</h1>
			<Message message={props.message} />
			<form action="/account/reset/confirm" method="post">
				<Csrf token={props.csrf} />
				<input type="hidden" name="token" value={props.token} />
				<p>
					<label>
						New password{" "}
						<input type="password" name="newPassword" autocomplete="new-password" required minlength={10} />
					</label>
				</p>
				<button type="submit">Set the new password</button>
			</form>
			<p>
				<a href="/account/reset">Ask for a new link</a>
			</p>
		</Layout>
	);
}
