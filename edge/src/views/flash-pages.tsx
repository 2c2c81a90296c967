import type { FlashReservationStatus } from "@bazaar/contracts/flash";
import type { FlashItemConfig } from "../flash/config";
import { formatInMarket } from "../markets/context";
import { Layout } from "./layout";

const at = (ms: number) => new Date(ms).toUTCString();

export function FlashItemPage(props: { config: FlashItemConfig; soldOut: boolean; now: number; csrf: string | null }) {
	const { config } = props;
	const price = formatInMarket({ amount: config.flashPrice, currency: config.currency });
	const regular =
		config.regularPrice != null ? formatInMarket({ amount: config.regularPrice, currency: config.currency }) : null;
	const open = props.now >= config.startsAt && props.now < config.endsAt;
	return (
		<Layout title={`Flash sale: ${config.title}`}>
			<main class="flash">
				<h1>{config.title}</h1>
				<p class="price">
					<strong data-flash-price="">{price}</strong> {regular ? <s>{regular}</s> : null}
				</p>
				<p>
					{props.now < config.startsAt
						? `Starts ${at(config.startsAt)}.`
						: props.now >= config.endsAt
							? `Ended ${at(config.endsAt)}.`
							: `On until ${at(config.endsAt)}.`}{" "}
					{`${config.quota} units, at most ${config.perShopperLimit} per shopper.`}
				</p>
				{props.soldOut ? (
					<p class="notice" role="status">
						Sold out.
					</p>
				) : !open ? null : props.csrf ? (
					<form method="post" action={`/flash/${config.itemId}/buy`}>
						<input type="hidden" name="csrf" value={props.csrf} />
						<button type="submit">Buy now</button>
					</form>
				) : (
					<p>
						<a href={`/account/login?next=/flash/${config.itemId}`}>Sign in to buy</a>
					</p>
				)}
			</main>
		</Layout>
	);
}

export function FlashReservationPage(props: {
	token: string;
	status: FlashReservationStatus;
	total: string | null;
	csrf: string;
}) {
	const { status } = props;
	return (
		<Layout title="Your flash-sale reservation">
			<main class="flash">
				<h1>You got one</h1>
				<p>
					Reservation <code>{status.reservationId}</code>, order <code>{status.orderId}</code>.
				</p>
				{status.status === null ? (
					<p role="status">Your order is being created; reload this page in a moment.</p>
				) : status.status === "pending_payment" ? (
					<>
						<p>
							{`Total ${props.total ?? ""} (shipping and tax included), to be paid by ${status.expiresAt ? new Date(status.expiresAt).toUTCString() : "the end of the payment window"}; after that the unit goes back on sale.`}
						</p>
						<form method="post" action={`/flash/reservations/${props.token}/pay`}>
							<input type="hidden" name="csrf" value={props.csrf} />
							<button type="submit">Pay now</button>
						</form>
					</>
				) : (
					<p>
						Your order is <strong>{status.status.replace("_", " ")}</strong>.{" "}
						<a href={`/account/orders/${status.orderId}`}>See the order</a>
					</p>
				)}
			</main>
		</Layout>
	);
}
