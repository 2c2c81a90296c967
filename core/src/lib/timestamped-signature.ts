import { createHmac, timingSafeEqual } from "node:crypto";

// The webhook signature our own senders use (the sandbox gateway, carriers), shaped like Stripe's:
//   <header>: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// The receiver refuses a timestamp more than `toleranceSeconds` from its clock (a captured webhook
// cannot be replayed later); several v1 values may be sent while a secret is being rotated.

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function signTimestamped(secret: string, body: string, t: number): string {
	const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
	return `t=${t},v1=${v1}`;
}

export function verifyTimestamped(
	secret: string,
	body: string,
	header: string | null,
	options: { nowSeconds: number; toleranceSeconds: number; headerName: string },
): VerifyResult {
	if (!header) return { ok: false, reason: `no ${options.headerName} header` };
	let t: number | null = null;
	const signatures: string[] = [];
	for (const part of header.split(",")) {
		const [k, v] = part.trim().split("=", 2);
		if (k === "t" && v && /^\d{1,12}$/.test(v)) t = Number(v);
		else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) signatures.push(v);
	}
	if (t === null || signatures.length === 0) return { ok: false, reason: "malformed signature header" };
	if (Math.abs(options.nowSeconds - t) > options.toleranceSeconds) {
		return { ok: false, reason: "timestamp outside the tolerance" };
	}
	const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"), "hex");
	const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
	return match ? { ok: true } : { ok: false, reason: "signature mismatch" };
}
