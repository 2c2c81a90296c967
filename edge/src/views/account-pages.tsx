import { Layout } from "./layout";

// The account pages: plain HTML forms that POST back to the edge, no script. Every form carries
// the CSRF token as a hidden `csrf` field.

export type FormMessage = { text: string; errors?: { path: string; message: string }[] };

export function Message({ message }: { message?: FormMessage | undefined }) {
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

/** A confirmation after a redirect ("your profile was saved"). */
export function Done({ text }: { text?: string | undefined }) {
	if (!text) return null;
	return (
		<div class="notice ok" role="status">
			<p>{text}</p>
		</div>
	);
}

export function Csrf({ token }: { token: string }) {
	return <input type="hidden" name="csrf" value={token} />;
}

/** `next` rides along as a hidden field, and on the links between log-in and sign-up. */
function NextField({ next }: { next?: string | undefined }) {
	return next ? <input type="hidden" name="next" value={next} /> : null;
}
const withNext = (path: string, next?: string) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

export function SignupPage(props: {
	csrf: string;
	name?: string;
	email?: string;
	next?: string | undefined;
	message?: FormMessage;
}) {
	return (
		<Layout title="Create an account">
			<h1>Create an account</h1>
			<Message message={props.message} />
			<form action="/account/signup" method="post">
				<Csrf token={props.csrf} />
				<NextField next={props.next} />
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
				Have an account? <a href={withNext("/account/login", props.next)}>Log in</a>
			</p>
		</Layout>
	);
}

/** After a sign-up: the same page whether or not the address already had an account. */
export function SignupSentPage(props: { email: string }) {
	return (
		<Layout title="Check your mail">
			<h1>Check your mail</h1>
			<div class="notice ok" role="status">
				<p>
					We have sent a message to <strong>{props.email}</strong>. Open the link in it to finish creating your account.
					If the address already has an account, the message says so.
				</p>
			</div>
			<p>
				Nothing arrived? Check the address and <a href="/account/signup">sign up again</a>, or{" "}
				<a href="/account/login">log in</a>.
			</p>
		</Layout>
	);
}

/** The mailed link's page: a button, so a mail scanner following the link creates nothing. */
export function SignupConfirmPage(props: {
	csrf: string;
	token: string;
	next?: string | undefined;
	message?: FormMessage;
}) {
	return (
		<Layout title="Finish creating your account">
			<h1>Finish creating your account</h1>
			<Message message={props.message} />
			{props.message ? (
				<p>
					<a href="/account/signup">Sign up again</a>
				</p>
			) : (
				<form action="/account/signup/confirm" method="post">
					<Csrf token={props.csrf} />
					<NextField next={props.next} />
					<input type="hidden" name="token" value={props.token} />
					<button type="submit">Create my account</button>
				</form>
			)}
		</Layout>
	);
}

export function LoginPage(props: {
	csrf: string;
	email?: string;
	next?: string | undefined;
	message?: FormMessage;
	done?: string | undefined;
}) {
	return (
		<Layout title="Log in">
			<h1>Log in</h1>
			<Done text={props.done} />
			<Message message={props.message} />
			<form action="/account/login" method="post">
				<Csrf token={props.csrf} />
				<NextField next={props.next} />
				<EmailField value={props.email} />
				<p>
					<label>
						Password <input type="password" name="password" autocomplete="current-password" required />
					</label>
				</p>
				<button type="submit">Log in</button>
			</form>
			<p>
				<a href="/account/reset">Forgot password?</a>
			</p>
			<p>
				New here? <a href={withNext("/account/signup", props.next)}>Create an account</a>
			</p>
		</Layout>
	);
}

export type AccountPageProps = {
	csrf: string;
	name: string;
	email: string;
	/** What the last form changed (after its redirect). */
	done?: string | undefined;
	/** The profile form sent back with its problem, and what was typed. */
	profile?: { message: FormMessage; name: string; email: string } | undefined;
	/** The password form's problem. */
	password?: FormMessage | undefined;
};

export function AccountPage(props: AccountPageProps) {
	return (
		<Layout title="Your account">
			<h1>Your account</h1>
			<AccountNav current="profile" />
			<Done text={props.done} />
			<dl>
				<dt>Name</dt>
				<dd data-testid="account-name">{props.name}</dd>
				<dt>Email</dt>
				<dd data-testid="account-email">{props.email}</dd>
			</dl>

			<section class="account-section" id="profile">
				<h2>Profile</h2>
				<Message message={props.profile?.message} />
				<form action="/account/profile" method="post">
					<Csrf token={props.csrf} />
					<p>
						<label>
							Name{" "}
							<input
								name="name"
								autocomplete="name"
								required
								maxlength={100}
								value={props.profile?.name ?? props.name}
							/>
						</label>
					</p>
					<EmailField value={props.profile?.email ?? props.email} />
					<p>
						<label>
							Current password <small>(only needed to change the email address)</small>{" "}
							<input type="password" name="currentPassword" autocomplete="current-password" />
						</label>
					</p>
					<button type="submit">Save profile</button>
				</form>
			</section>

			<section class="account-section" id="password">
				<h2>Password</h2>
				<p>Changing it signs you out on every other device.</p>
				<Message message={props.password} />
				<form action="/account/password" method="post">
					<Csrf token={props.csrf} />
					<p>
						<label>
							Current password <input type="password" name="currentPassword" autocomplete="current-password" required />
						</label>
					</p>
					<p>
						<label>
							New password{" "}
							<input type="password" name="newPassword" autocomplete="new-password" required minlength={10} />
						</label>
					</p>
					<button type="submit">Change password</button>
				</form>
			</section>

			<section class="account-section">
				<h2>Sign out</h2>
				<form action="/account/logout" method="post">
					<Csrf token={props.csrf} />
					<button type="submit">Log out</button>
				</form>
				<form action="/account/logout-everywhere" method="post">
					<Csrf token={props.csrf} />
					<button type="submit">Log out on every device</button>
				</form>
			</section>
		</Layout>
	);
}

/** The account area's own navigation. */
export function AccountNav({ current }: { current: "profile" | "addresses" | "orders" | "reviews" }) {
	const links = [
		["profile", "/account", "Profile and password"],
		["addresses", "/account/addresses", "Addresses"],
		["orders", "/account/orders", "Orders"],
		["reviews", "/account/reviews", "Reviews"],
	] as const;
	return (
		<nav class="account-nav" aria-label="Your account">
			{links.map(([key, href, text]) =>
				key === current ? (
					<a href={href} aria-current="page">
						{text}
					</a>
				) : (
					<a href={href}>{text}</a>
				),
			)}
		</nav>
	);
}

export function EmailField(props: { value?: string | undefined }) {
	return (
		<p>
			<label>
				Email{" "}
				<input type="email" name="email" autocomplete="email" required maxlength={254} value={props.value ?? ""} />
			</label>
		</p>
	);
}
