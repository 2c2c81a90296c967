import type { OrderDelivery } from "@bazaar/contracts/delivery";
import { When } from "./order-status";

// A paid order's digital goods: its download links (while they work) and licence keys (revoked
// ones struck through, after a refund).

const LINK_WORDS = { expired: "expired", used_up: "all downloads used", revoked: "revoked (refunded)" } as const;

export function OrderDeliverySection(props: { delivery: OrderDelivery | null }) {
	const d = props.delivery;
	if (!d || (d.downloads.length === 0 && d.keys.length === 0)) return null;
	return (
		<section data-testid="order-delivery">
			<h2>Downloads and licence keys</h2>
			<ul class="order-downloads">
				{d.downloads.map((l) => (
					<li data-testid="order-download" data-status={l.status}>
						{l.status === "active" ? (
							<>
								<a href={l.url}>Download {l.title}</a> ({l.fileName}) — {l.maxDownloads - l.downloads} of{" "}
								{l.maxDownloads} downloads left, until <When at={l.expiresAt} />
							</>
						) : (
							<>
								{l.title} ({l.fileName}) — {LINK_WORDS[l.status]}
							</>
						)}
					</li>
				))}
				{d.keys.map((k) => (
					<li data-testid="order-key" data-status={k.status}>
						{k.title} licence key:{" "}
						{k.status === "revoked" ? (
							<>
								<s>
									<code>{k.key}</code>
								</s>{" "}
								(revoked: the order was refunded)
							</>
						) : (
							<code>{k.key}</code>
						)}
					</li>
				))}
			</ul>
		</section>
	);
}
