const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

export function hex(buf: ArrayBuffer): string {
	const bytes = new Uint8Array(buf);
	let out = "";
	for (const b of bytes) out += b.toString(16).padStart(2, "0");
	return out;
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
	return hex(await crypto.subtle.digest("SHA-256", bytes));
}

/** A strong validator from the bytes themselves: same bytes, same ETag, on every isolate. */
export async function etagOf(bytes: Uint8Array): Promise<string> {
	return `"${(await sha256Hex(bytes)).slice(0, 32)}"`;
}

/**
 * Constant-time string comparison. Both sides are hashed first so the comparison runs over equal
 * lengths and leaks neither the secret's length nor the position of the first difference.
 */
export async function safeEqual(a: string, b: string): Promise<boolean> {
	const [ha, hb] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(a)),
		crypto.subtle.digest("SHA-256", encoder.encode(b)),
	]);
	return crypto.subtle.timingSafeEqual(ha, hb);
}

/** Reads a request body up to `limit` bytes; null when it is larger (the caller answers 413). */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array | null> {
	const declared = Number(request.headers.get("content-length") ?? "0");
	if (declared > limit) return null;
	if (!request.body) return new Uint8Array(0);
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = request.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const out = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out;
}
