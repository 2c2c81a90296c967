import type { DownloadFile, KeyPool, KeysUploaded, OrderDelivery, Redeemed } from "@bazaar/contracts/delivery";
import { type DeliveryContext, type DeliveryContextOptions, openDeliveryContext } from "./context";
import { type DeliverOrderInput, type DeliverOrderResult, deliverOrder, revokeOrder } from "./deliver-order";
import { getFile, registerFile } from "./files";
import { addKeys, keyPool } from "./key-pool";
import { orderDelivery } from "./order-delivery";
import { redeemDownload } from "./redeem-download";

// Wires the delivery module (digital goods): its database and its verbs. It knows variants and
// orders by id only; the catalog (which variants are digital, how they are delivered), the
// inventory (key pools as stock) and the order (who paid) are composed in by
// workflows/digital-delivery.ts.

export interface DeliveryModule {
	context: DeliveryContext;
	registerFile(variantId: string, input: unknown, actor: string): Promise<DownloadFile>;
	getFile(variantId: string): Promise<DownloadFile>;
	addKeys(variantId: string, input: unknown): Promise<KeysUploaded>;
	keyPool(variantId: string): Promise<KeyPool>;
	deliverOrder(input: DeliverOrderInput): Promise<DeliverOrderResult>;
	revokeOrder(orderId: string): Promise<{ links: number; keys: number }>;
	/** With a customer id: only what that customer's order received (nothing for anyone else's). */
	orderDelivery(orderId: string, customerId?: string): Promise<OrderDelivery>;
	/** Counts one download of a link: its file, or 404 (not a genuine link) / 410 (expired, used up, revoked). */
	redeem(input: unknown): Promise<Redeemed>;
	stop(): Promise<void>;
}

export async function openDelivery(options: DeliveryContextOptions): Promise<DeliveryModule> {
	const ctx = await openDeliveryContext(options);
	return {
		context: ctx,
		registerFile: (variantId, input, actor) => registerFile(ctx, variantId, input, actor),
		getFile: (variantId) => getFile(ctx, variantId),
		addKeys: (variantId, input) => addKeys(ctx, variantId, input),
		keyPool: (variantId) => keyPool(ctx, variantId),
		deliverOrder: (input) => deliverOrder(ctx, input),
		revokeOrder: (orderId) => revokeOrder(ctx, orderId),
		orderDelivery: (orderId, customerId) => orderDelivery(ctx, orderId, customerId),
		redeem: (input) => redeemDownload(ctx, input),
		stop: () => ctx.database.close(),
	};
}
