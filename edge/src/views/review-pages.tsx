import { MAX_REVIEW_PHOTO_BYTES, MAX_REVIEW_PHOTOS, type Review, type ReviewableList } from "@bazaar/contracts/review";
import { AccountNav, Csrf, Done, type FormMessage, Message } from "./account-pages";
import { Layout } from "./layout";
import { photoUrl, STATUS_LABEL, Stars } from "./review-parts";

// The customer's review pages (what they may review, write, edit); staff moderate in the console
// (/admin/reviews, views/console-moderation.tsx). Personal pages: rendered per request, every form with the session's CSRF token.

export function MyReviewsPage(props: { list: ReviewableList; orderId?: string; done?: string }) {
	return (
		<Layout title="Your reviews">
			<AccountNav current="reviews" />
			<h1>{props.orderId ? `Review your order ${props.orderId}` : "Your reviews"}</h1>
			<Done text={props.done} />
			{props.list.items.length === 0 ? (
				<p>Once an order of yours is delivered, its products can be reviewed here.</p>
			) : null}
			<ul class="my-reviews">
				{props.list.items.map((item) => (
					<li data-testid="reviewable">
						<a href={`/products/${item.productSlug}`}>{item.productTitle}</a> — delivered{" "}
						{item.deliveredAt.slice(0, 10)}
						{item.review ? (
							<>
								{" "}
								· <Stars value={item.review.rating} />{" "}
								<span data-testid="my-review-status">{STATUS_LABEL[item.review.status]}</span>
								{item.review.moderationReason ? <em> ({item.review.moderationReason})</em> : null} ·{" "}
								<a href={`/account/reviews/${item.review.id}/edit`}>Edit your review</a>
							</>
						) : (
							<>
								{" "}
								· <a href={`/account/reviews/write?product=${encodeURIComponent(item.productId)}`}>Write a review</a>
							</>
						)}
					</li>
				))}
			</ul>
			<p>
				<a href="/account/orders">Your orders</a>
			</p>
		</Layout>
	);
}

export interface ReviewFormValues {
	rating?: number;
	title?: string;
	body?: string;
}

export function ReviewFormPage(props: {
	csrf: string;
	productTitle: string;
	action: string;
	productId?: string;
	existing?: Review;
	values?: ReviewFormValues;
	message?: FormMessage;
}) {
	const v = props.values ?? {
		rating: props.existing?.rating,
		title: props.existing?.title,
		body: props.existing?.body,
	};
	const photos = props.existing?.photos ?? [];
	return (
		<Layout title={`Review ${props.productTitle}`}>
			<h1>
				{props.existing ? "Edit your review of" : "Review"} {props.productTitle}
			</h1>
			{props.existing?.moderationReason ? (
				<p class="notice">A moderator said: {props.existing.moderationReason}</p>
			) : null}
			<Message message={props.message} />
			<form
				action={props.action}
				method="post"
				enctype="multipart/form-data"
				class="review-form"
				data-testid="review-form"
			>
				<Csrf token={props.csrf} />
				{props.productId ? <input type="hidden" name="productId" value={props.productId} /> : null}
				<fieldset>
					<legend>Your rating</legend>
					{[5, 4, 3, 2, 1].map((n) => (
						<label>
							<input type="radio" name="rating" value={String(n)} checked={v.rating === n} required /> {"★".repeat(n)}
						</label>
					))}
				</fieldset>
				<label>
					Title <input name="title" value={v.title ?? ""} maxlength={120} required />
				</label>
				<label>
					Your review{" "}
					<textarea name="body" rows={6} maxlength={5000} required>
						{v.body ?? ""}
					</textarea>
				</label>
				{photos.length > 0 ? (
					<fieldset>
						<legend>Photos to keep</legend>
						{photos.map((p) => (
							<label>
								<input type="checkbox" name="keepPhotos" value={p.full.hash} checked />{" "}
								<img
									src={photoUrl(p.thumb.hash)}
									width={p.thumb.width}
									height={p.thumb.height}
									alt="Yours, attached to this review"
								/>
							</label>
						))}
					</fieldset>
				) : null}
				<label>
					Photos (PNG or JPEG, up to {MAX_REVIEW_PHOTOS} in all, {MAX_REVIEW_PHOTO_BYTES / 1024 / 1024} MB each){" "}
					<input type="file" name="photos" accept="image/png,image/jpeg" multiple />
				</label>
				<p>Reviews with links, profanity or repeated text wait for a moderator before they are shown.</p>
				<button type="submit">{props.existing ? "Save your review" : "Post your review"}</button>
			</form>
		</Layout>
	);
}
