import { Layout } from "./layout";

// The account pages: plain HTML forms that POST back to the edge, no script. Every form carries
// the CSRF token as a hidden `csrf` field.

export type FormMessage = { text: string; errors?: { path: string; message: string }[] };

function Message({ message }: { message?: FormMessage }) {
	if (!message) return null;
	return (
		<div class="notice" role="alert">
			<p>{message.text}</p>
			{message.errors?.length ? (
				<ul>
					{message.errors.map((e) => (
						<li>
							<code>{e.path}</code>: {e.message}
						</li>
					))}
				</ul>
			) : null}
		</div>
	);
}

export function SignupPage(props: { csrf: string; name?: string; email?: string; message?: FormMessage }) {
	return (
		<Layout title="Create an account">
			<h1>Create an account</h1>
			<Message message={props.message} />
			<form action="/account/signup" method="post">
				<input type="hidden" name="csrf" value={props.csrf} />
				<p>
					<label>
						Name <input name="name" autocomplete="name" required maxlength={100} value={props.name ?? ""} />
					</label>
				</p>
				<EmailField value={props.email} />
				<p>
					<label>
						Password <input type="password" name="password" autocomplete="new-password" required minlength={10} />
					</label>
				</p>
				<button type="submit">Create account</button>
			</form>
			<p>
				Have an account? <a href="/account/login">Log in</a>
			</p>
		</Layout>
	);
}

export function LoginPage(props: { csrf: string; email?: string; message?: FormMessage }) {
	return (
		<Layout title="Log in">
			<h1>Log in</h1>
			<Message message={props.message} />
			<form action="/account/login" method="post">
				<input type="hidden" name="csrf" value={props.csrf} />
				<EmailField value={props.email} />
				<p>
					<label>
						Password <input type="password" name="password" autocomplete="current-password" required />
					</label>
				</p>
				<button type="submit">Log in</button>
			</form>
			<p>
				New here? <a href="/account/signup">Create an account</a>
			</p>
		</Layout>
	);
}

export function AccountPage(props: { csrf: string; name: string; email: string }) {
	return (
		<Layout title="Your account">
			<h1>Your account</h1>
			<dl>
				<dt>Name</dt>
				<dd data-testid="account-name">{props.name}</dd>
				<dt>Email</dt>
				<dd data-testid="account-email">{props.email}</dd>
			</dl>
			<form action="/account/logout" method="post">
				<input type="hidden" name="csrf" value={props.csrf} />
				<button type="submit">Log out</button>
			</form>
			<form action="/account/logout-everywhere" method="post">
				<input type="hidden" name="csrf" value={props.csrf} />
				<button type="submit">Log out on every device</button>
			</form>
		</Layout>
	);
}

function EmailField(props: { value?: string | undefined }) {
	return (
		<p>
			<label>
				Email{" "}
				<input type="email" name="email" autocomplete="email" required maxlength={254} value={props.value ?? ""} />
			</label>
		</p>
	);
}
