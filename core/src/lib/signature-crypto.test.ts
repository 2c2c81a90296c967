import { describe, expect, test } from "bun:test";
import { sign, verify } from "@bazaar/signature";
import { nodeSignatureCrypto } from "./signature-crypto";

describe("node:crypto signature provider", () => {
	test("signs exactly as WebCrypto does, so the edge and the core agree", async () => {
		const input = { secret: "k".repeat(32), method: "POST", path: "/x?y=1", body: '{"z":1}', now: 1_800_000_000_000 };
		const web = await sign(input);
		const node = await sign({ ...input, crypto: nodeSignatureCrypto });
		expect(node).toEqual(web);
		const result = await verify({
			...input,
			headers: new Headers(web),
			now: input.now,
			crypto: nodeSignatureCrypto,
		});
		expect(result.ok).toBe(true);
		const tampered = await verify({
			...input,
			body: '{"z":2}',
			headers: new Headers(web),
			crypto: nodeSignatureCrypto,
		});
		expect(tampered.ok).toBe(false);
	});
});
