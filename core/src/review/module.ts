import type {
	EditReviewInput,
	QueueQuery,
	ReportInput,
	Review,
	ReviewableList,
	ReviewDetail,
	ReviewPage,
	StaffReviewPage,
	VoteResult,
	WriteReviewInput,
} from "@bazaar/contracts/review";
import type { TxDb } from "../lib/db";
import { replyToReview, reportReview, voteReview } from "./community";
import { openReviewContext, type ReviewContext, type ReviewContextOptions } from "./context";
import { editReview } from "./edit-review";
import { moderateReview } from "./moderate-review";
import { getOwnReview, getReviewDetail, listProductReviews, listQueue, listReviewable } from "./read-reviews";
import { type DeliveredLine, recordDeliveredIn } from "./record-purchase";
import { loadSummary } from "./records";
import { writeReview } from "./write-review";

// Wires the review module: its database and its verbs bound to it. Who may review what comes from
// order.delivered (core/src/workflows/review-flows.ts records it here); the author's display name
// from a port the composition root wires to the identity module. Every change goes out on the bus
// through the module's outbox; `review.rating_changed` carries a product's new aggregate, which
// the catalog copies (the edge caches follow its version).

export interface ReviewModuleOptions extends ReviewContextOptions {
	/** The name shown beside a customer's reviews ("Ada L."). */
	authorName: (customerId: string) => Promise<string>;
}

export type Decision = "approve" | "reject" | "hide";

export interface ReviewModule {
	context: ReviewContext;
	write(input: WriteReviewInput | unknown, customerId: string): Promise<Review>;
	/** The author's edit; anyone else's review is a 404. */
	edit(id: string, input: EditReviewInput | unknown, customerId: string): Promise<Review>;
	getOwn(id: string, customerId: string): Promise<Review>;
	listForProduct(productId: string, query: Record<string, string>): Promise<ReviewPage>;
	summary(productId: string): Promise<ReviewPage["summary"]>;
	reviewable(customerId: string, options?: { orderId?: string; productId?: string }): Promise<ReviewableList>;
	vote(id: string, customerId: string, helpful: boolean): Promise<VoteResult>;
	report(id: string, customerId: string, input: ReportInput | unknown): Promise<{ reviewId: string; reported: true }>;
	/** The query as its route definition parsed it. */
	queue(query: QueueQuery): Promise<StaffReviewPage>;
	detail(id: string): Promise<ReviewDetail>;
	moderate(id: string, decision: Decision, input: unknown, actor: string): Promise<Review>;
	/** The merchant's public reply; `null` removes it. */
	reply(id: string, input: unknown, actor: string): Promise<Review>;
	/** Records delivered products inside a caller's write transaction on this module's database (handleOnce). */
	recordDeliveredIn(
		tx: TxDb,
		delivery: { customerId: string; orderId: string; deliveredAt: string; lines: DeliveredLine[] },
	): Promise<number>;
	stop(): Promise<void>;
}

export async function openReviews(options: ReviewModuleOptions): Promise<ReviewModule> {
	const ctx = await openReviewContext(options);
	return {
		context: ctx,
		write: async (input, customerId) =>
			writeReview(ctx, input as WriteReviewInput, { customerId, name: await options.authorName(customerId) }),
		edit: (id, input, customerId) => editReview(ctx, id, input as EditReviewInput, customerId),
		getOwn: (id, customerId) => getOwnReview(ctx, id, customerId),
		listForProduct: (productId, query) => listProductReviews(ctx, productId, query),
		summary: (productId) => loadSummary(ctx.database.db, productId),
		reviewable: (customerId, opts) => listReviewable(ctx, customerId, opts),
		vote: (id, customerId, helpful) => voteReview(ctx, id, customerId, helpful),
		report: (id, customerId, input) => reportReview(ctx, id, customerId, input as ReportInput),
		queue: (query) => listQueue(ctx, query),
		detail: (id) => getReviewDetail(ctx, id),
		moderate: (id, decision, input, actor) => moderateReview(ctx, id, decision, input, actor),
		reply: (id, input, actor) => replyToReview(ctx, id, input, actor),
		recordDeliveredIn: (tx, delivery) => recordDeliveredIn(tx, delivery),
		async stop() {
			await ctx.database.close();
		},
	};
}
