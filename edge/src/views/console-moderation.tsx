import type { Activity, Coupon } from "@bazaar/contracts/promotion";
import { QUEUE_FILTERS, type Review } from "@bazaar/contracts/review";
import type { Fields } from "../console/product-form";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout, Pager } from "./console-layout";
import { When } from "./order-status";
import { photoUrl, STATUS_LABEL, Stars } from "./review-parts";

type Staff = { roles: readonly string[]; csrf: string };

function Decision(props: {
	review: Review;
	action: string;
	label: string;
	csrf: string;
	filter: string;
	text?: string;
	value?: string | undefined;
}) {
	return (
		<form method="post" action={`/admin/reviews/${props.review.id}/${props.action}`} class="row">
			<Csrf token={props.csrf} />
			<input type="hidden" name="filter" value={props.filter} />
			{props.text ? (
				<label>
					{props.text}{" "}
					<input name="text" required={props.action === "reject"} maxlength={2000} value={props.value ?? ""} />
				</label>
			) : null}
			<button type="submit">{props.label}</button>
		</form>
	);
}

export function ReviewQueuePage(
	props: Staff & {
		filter: string;
		items: Review[];
		nextCursor: string | null;
		canChange: boolean;
		message?: FormMessage | undefined;
		done?: string | undefined;
	},
) {
	return (
		<ConsoleLayout title="Reviews" roles={props.roles} csrf={props.csrf} current="reviews">
			<h1>Reviews</h1>
			<nav class="actions" aria-label="Queues">
				{QUEUE_FILTERS.map((f) => (
					<a href={`/admin/reviews?filter=${f}`} aria-current={f === props.filter ? "page" : undefined}>
						{f}
					</a>
				))}
			</nav>
			<Done text={props.done} />
			<Message message={props.message} />
			{props.items.length === 0 ? <p>Nothing in this queue.</p> : null}
			<div class="queue">
				{props.items.map((r) => (
					<article class="review" id={r.id} data-review={r.id} data-testid="queued-review">
						<h2>
							<Stars value={r.rating} /> {r.title}
						</h2>
						<p class="meta">
							{r.authorName} on <a href={`/products/${r.productSlug}`}>{r.productTitle}</a> · <When at={r.createdAt} />{" "}
							· {STATUS_LABEL[r.status]}
							{r.holdReasons.length > 0 ? ` · held for: ${r.holdReasons.join(", ").replaceAll("_", " ")}` : ""}
							{r.reportCount > 0 ? ` · reported ${r.reportCount}×` : ""}
							{r.moderationReason ? ` · reason: ${r.moderationReason}` : ""}
						</p>
						<p>{r.body}</p>
						{r.photos.map((p) => (
							<a href={photoUrl(p.full.hash)}>
								<img
									src={photoUrl(p.thumb.hash)}
									width={p.thumb.width}
									height={p.thumb.height}
									alt={`Attached by ${r.authorName}`}
								/>
							</a>
						))}
						{r.reply ? <p class="reply">Our reply: {r.reply.body}</p> : null}
						{props.canChange ? (
							<div class="actions">
								{r.status !== "published" ? (
									<Decision review={r} action="approve" label="Publish" csrf={props.csrf} filter={props.filter} />
								) : null}
								{r.status === "held" ? (
									<Decision
										review={r}
										action="reject"
										label="Reject"
										text="Why (the author reads it)"
										csrf={props.csrf}
										filter={props.filter}
									/>
								) : null}
								{r.status === "published" ? (
									<Decision review={r} action="hide" label="Hide" text="Why" csrf={props.csrf} filter={props.filter} />
								) : null}
								<Decision
									review={r}
									action="reply"
									label={r.reply ? "Change the reply (empty removes it)" : "Reply"}
									text="Reply as the shop"
									value={r.reply?.body}
									csrf={props.csrf}
									filter={props.filter}
								/>
							</div>
						) : null}
					</article>
				))}
			</div>
			<Pager base={new URLSearchParams({ filter: props.filter })} next={props.nextCursor} />
		</ConsoleLayout>
	);
}

function Toggle(props: { kind: "activities" | "coupons"; id: string; enabled: boolean; csrf: string }) {
	return (
		<form method="post" action={`/admin/promotions/${props.kind}/${props.id}/enabled`} class="inline">
			<Csrf token={props.csrf} />
			<input type="hidden" name="enabled" value={props.enabled ? "false" : "true"} />
			<button type="submit">{props.enabled ? "Pause" : "Enable"}</button>
		</form>
	);
}

export function PromotionsPage(
	props: Staff & {
		activities: Activity[];
		coupons: Coupon[];
		canChange: boolean;
		values: Fields;
		message?: FormMessage | undefined;
		done?: string | undefined;
	},
) {
	const v = props.values;
	const names = new Map(props.activities.map((a) => [a.id, a.name]));
	return (
		<ConsoleLayout title="Promotions" roles={props.roles} csrf={props.csrf} current="promotions">
			<h1>Promotions</h1>
			<Done text={props.done} />
			<Message message={props.message} />
			<h2>Sale activities</h2>
			<table>
				<thead>
					<tr>
						<th scope="col">Name</th>
						<th scope="col">State</th>
						<th scope="col">From</th>
						<th scope="col">Until</th>
						<th scope="col">Rules</th>
						<th scope="col">
							<span class="visually-hidden">Actions</span>
						</th>
					</tr>
				</thead>
				<tbody>
					{props.activities.map((a) => (
						<tr>
							<td>
								{a.name} <span class="tag">{a.badge}</span>
							</td>
							<td>{a.state}</td>
							<td>
								{a.startsAtLocal} {a.timeZone}
							</td>
							<td>{a.endsAtLocal}</td>
							<td>{a.rules.length}</td>
							<td>
								{props.canChange ? <Toggle kind="activities" id={a.id} enabled={a.enabled} csrf={props.csrf} /> : null}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<h2>Coupons</h2>
			<table>
				<thead>
					<tr>
						<th scope="col">Code</th>
						<th scope="col">Activity</th>
						<th scope="col" class="num">
							Redeemed
						</th>
						<th scope="col">Enabled</th>
						<th scope="col">
							<span class="visually-hidden">Actions</span>
						</th>
					</tr>
				</thead>
				<tbody>
					{props.coupons.map((cp) => (
						<tr>
							<td>{cp.code}</td>
							<td>{names.get(cp.activityId) ?? cp.activityId}</td>
							<td class="num">
								{cp.redeemed}
								{cp.maxRedemptions !== null ? ` of ${cp.maxRedemptions}` : ""}
							</td>
							<td>{cp.enabled ? "yes" : "no"}</td>
							<td>
								{props.canChange ? <Toggle kind="coupons" id={cp.id} enabled={cp.enabled} csrf={props.csrf} /> : null}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			{props.canChange ? (
				<form method="post" action="/admin/promotions/activities">
					<Csrf token={props.csrf} />
					<fieldset>
						<legend>New sale activity</legend>
						<div class="fields">
							<label>
								Name <input name="name" required value={v.name ?? ""} />
							</label>
							<label>
								Address (slug) <input name="slug" required value={v.slug ?? ""} />
							</label>
							<label>
								Badge <input name="badge" required maxlength={24} value={v.badge ?? ""} />
							</label>
							<label>
								Banner line <input name="bannerText" value={v.bannerText ?? ""} />
							</label>
							<label>
								Time zone <input name="timeZone" placeholder="UTC" value={v.timeZone ?? ""} />
							</label>
							<label>
								Starts <input type="datetime-local" name="startsAt" required value={v.startsAt ?? ""} />
							</label>
							<label>
								Ends <input type="datetime-local" name="endsAt" required value={v.endsAt ?? ""} />
							</label>
							<label>
								Priority <input name="priority" inputmode="numeric" value={v.priority ?? ""} />
							</label>
						</div>
						<label>
							<input type="checkbox" name="enabled" checked={v.enabled !== undefined ? v.enabled === "on" : true} />{" "}
							Enabled
						</label>
						<p>
							Rules (what the sale takes off) are added through the admin API: POST
							/api/admin/promotions/activities/…/rules.
						</p>
						<button type="submit">Create activity</button>
					</fieldset>
				</form>
			) : null}
		</ConsoleLayout>
	);
}
