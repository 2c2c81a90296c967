import type { FlashReturnBatch } from "@bazaar/contracts/flash";
import { type Caller, sign } from "@bazaar/signature";

// Units of flash reservations that expired unpaid go back to their item's shards at the edge:
// POST /internal/flash/returns, signed like every core ↔ edge call. The edge records each
// reservation id once (its coordinator's SQLite), so the bus's redeliveries return nothing twice;
// a refused or failed call throws and the bus retries it.

const CORE: Caller = { user: "core", roles: ["service"] };

export function edgeFlashReturns(target: {
	url: string;
	secret: string;
	fetch?: (url: string, init: RequestInit) => Promise<Response>;
}): (batch: FlashReturnBatch) => Promise<void> {
	const url = new URL("/internal/flash/returns", target.url);
	const send = target.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
	return async (batch) => {
		const body = JSON.stringify(batch);
		const headers = { "content-type": "application/json" };
		const signed = await sign({
			secret: target.secret,
			method: "POST",
			path: url.pathname,
			body,
			headers,
			caller: CORE,
		});
		const res = await send(url.toString(), {
			method: "POST",
			headers: { ...headers, ...signed },
			body,
			signal: AbortSignal.timeout(5_000),
		});
		await res.body?.cancel();
		if (!res.ok) throw new Error(`${url} answered ${res.status}`);
	};
}
