import { describe, expect, test } from "bun:test";
import { sign, verify } from "@bazaar/signature";
import { bunSignatureCrypto } from "./signature-crypto";

describe("Bun signature provider", () => {
	test("signs exactly as WebCrypto does, so the edge and the core agree", async () => {
		const input = {
			secret: "k".repeat(32),
			method: "POST",
			path: "/x?y=1",
			body: '{"z":1}',
			headers: { "content-type": "application/json" },
			now: 1_800_000_000_000,
			nonce: "0123456789abcdef0123456789abcdef",
		};
		const web = await sign(input);
		const node = await sign({ ...input, crypto: bunSignatureCrypto });
		expect(node).toEqual(web);
		const result = await verify({
			...input,
			headers: new Headers({ ...input.headers, ...web }),
			now: input.now,
			crypto: bunSignatureCrypto,
		});
		expect(result.ok).toBe(true);
		const tampered = await verify({
			...input,
			body: '{"z":2}',
			headers: new Headers({ ...input.headers, ...web }),
			crypto: bunSignatureCrypto,
		});
		expect(tampered.ok).toBe(false);
	});
});
