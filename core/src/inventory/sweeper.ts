import { type SweeperOptions as PeriodicOptions, Sweeper as PeriodicSweeper } from "../lib/sweeper";
import type { InventoryContext } from "./context";
import { DEFAULT_EXPIRE_BATCH, expireDue } from "./expire-due";

export interface SweeperOptions extends PeriodicOptions {
	batchSize?: number;
}

/**
 * Expires due reservations every `intervalMs`, in one core process at a time (the lease); were
 * two to sweep, expireDue's conditional UPDATE would still settle each reservation once.
 */
export class Sweeper extends PeriodicSweeper {
	constructor(ctx: InventoryContext, options: SweeperOptions = {}) {
		const batchSize = options.batchSize ?? DEFAULT_EXPIRE_BATCH;
		super("inventory sweeper", () => expireDue(ctx, { batchSize }), { lease: ctx.database, ...options });
	}
}
