import type { ProductRating } from "@bazaar/contracts";
import type { PublicReview, Review, ReviewSort } from "@bazaar/contracts/review";
import type { z } from "zod";

// Pieces of the review pages. Everything a shopper or a moderator wrote is rendered as text by
// hono/jsx, which escapes it: a review's "<script>" is shown, never run.

export const SORT_LABEL: Record<ReviewSort, string> = {
	newest: "Newest",
	helpful: "Most helpful",
	rating_desc: "Highest rating",
	rating_asc: "Lowest rating",
};

/** A rating as stars, with the number for screen readers and the search engines' snippets. */
export function Stars({ value }: { value: number }) {
	const full = Math.round(value);
	return (
		<span class="stars" role="img" aria-label={`${value.toFixed(1)} out of 5 stars`}>
			{"★".repeat(full)}
			{"☆".repeat(5 - full)}
		</span>
	);
}

export const photoUrl = (hash: string) => `/img/${hash}.png`;

export function RatingSummaryBox({
	rating,
	starsHref,
}: {
	rating: z.infer<typeof ProductRating>;
	/** Where a histogram row leads (the list filtered to that many stars). */
	starsHref: (stars: number) => string;
}) {
	if (rating.count === 0 || rating.average === null) {
		return <p data-testid="rating-summary">No reviews yet.</p>;
	}
	return (
		<div data-testid="rating-summary">
			<p>
				<Stars value={rating.average} /> <strong data-testid="rating-average">{rating.average.toFixed(1)}</strong> out
				of 5 · <span data-testid="rating-count">{rating.count}</span> {rating.count === 1 ? "review" : "reviews"}
			</p>
			<div class="histogram">
				{[5, 4, 3, 2, 1].map((stars) => {
					const n = rating.histogram[stars - 1] ?? 0;
					const pct = Math.round((n * 100) / rating.count);
					return (
						<>
							<a href={starsHref(stars)}>{stars} star</a>
							<span class="bar" role="img" aria-label={`${pct}%`}>
								<span style={`width:${pct}%`} />
							</span>
							<span>{n}</span>
						</>
					);
				})}
			</div>
		</div>
	);
}

/** One published review as shoppers see it, with the helpful and report buttons. */
export function ReviewItem({ review, back }: { review: PublicReview; back: string }) {
	return (
		<article class="review" id={review.id} data-testid="review">
			<p>
				<Stars value={review.rating} /> <strong>{review.title}</strong>
			</p>
			<p class="meta">
				{review.authorName} · {review.createdAt.slice(0, 10)}
				{review.editedAt ? " (edited)" : ""}{" "}
				{review.verifiedPurchase ? <span class="verified">✔ Verified purchase</span> : null}
			</p>
			{review.body.split(/\n\s*\n/).map((p) => (
				<p>{p}</p>
			))}
			{review.photos.length > 0 ? (
				<div class="photos">
					{review.photos.map((photo) => (
						<a href={photoUrl(photo.full.hash)}>
							<img
								src={photoUrl(photo.thumb.hash)}
								width={photo.thumb.width}
								height={photo.thumb.height}
								alt={`Attached by ${review.authorName}`}
								loading="lazy"
							/>
						</a>
					))}
				</div>
			) : null}
			{review.reply ? (
				<div class="reply" data-testid="reply">
					<strong>Reply from the shop</strong> · {review.reply.at.slice(0, 10)}
					<p>{review.reply.body}</p>
				</div>
			) : null}
			<div class="meta">
				{review.helpfulCount > 0 ? `${review.helpfulCount} found this helpful · ` : ""}
				{/* This page is cached for everyone, so these forms carry no CSRF token: the routes require this site's Origin. */}
				<form action={`/reviews/${review.id}/helpful`} method="post">
					<input type="hidden" name="back" value={back} />
					<button type="submit">Helpful</button>
				</form>{" "}
				<form action={`/reviews/${review.id}/report`} method="post">
					<input type="hidden" name="back" value={back} />
					<select name="reason" aria-label="Why report this review">
						<option value="spam">Spam</option>
						<option value="offensive">Offensive</option>
						<option value="off_topic">Off topic</option>
						<option value="fake">Not genuine</option>
						<option value="other">Other</option>
					</select>{" "}
					<button type="submit">Report</button>
				</form>
			</div>
		</article>
	);
}

export const STATUS_LABEL: Record<Review["status"], string> = {
	published: "Published",
	held: "Waiting for a moderator",
	rejected: "Not published",
	hidden: "Taken down",
};
