import { type SweeperOptions as PeriodicOptions, Sweeper as PeriodicSweeper } from "../lib/sweeper";
import type { InventoryContext } from "./context";
import { DEFAULT_EXPIRE_BATCH, expireDue } from "./expire-due";

export interface SweeperOptions extends PeriodicOptions {
	batchSize?: number;
}

/**
 * Expires due reservations every `intervalMs`. Safe to run in every process: expireDue's
 * conditional UPDATE settles each reservation once.
 */
export class Sweeper extends PeriodicSweeper {
	constructor(ctx: InventoryContext, options: SweeperOptions = {}) {
		const batchSize = options.batchSize ?? DEFAULT_EXPIRE_BATCH;
		super("inventory sweeper", () => expireDue(ctx, { batchSize }), options);
	}
}
