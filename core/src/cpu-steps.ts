// Scratch: CPU per step of a purchase, in-process, no network.
import { stack, registerCustomer, checkoutBody } from "./workflows/testing/stack";
const s = await stack();
const list = await (await s.call("GET", "/catalog/products?kind=physical&inStock=true&limit=20", { inProcess: true })).json() as any;
const variants: string[] = [];
for (const it of list.items) { const p = await (await s.call("GET", `/catalog/products/${it.slug}`, { inProcess: true })).json() as any; const v = p.variants.find((x: any) => x.inStock); if (v) variants.push(v.id); }
const N = 300;
const shoppers = await Promise.all(Array.from({ length: N }, (_, i) => registerCustomer(s, `Cpu ${i}`)));
async function measure(name: string, fn: (i: number) => Promise<unknown>) {
	await Bun.sleep(300);
	const c0 = process.cpuUsage(); const t0 = performance.now();
	await Promise.all(Array.from({ length: N }, (_, i) => fn(i)));
	const c = process.cpuUsage(c0); const ms = performance.now() - t0;
	console.log(name.padEnd(30), ((c.user + c.system) / 1000 / N).toFixed(3), "ms CPU/op", (ms / N).toFixed(3), "ms wall/op");
}
await measure("POST /cart/lines", (i) => s.call("POST", "/cart/lines", { caller: shoppers[i], body: { variantId: variants[i % variants.length], quantity: 1 }, inProcess: true }).then((r) => r.text()));
const answers: any[] = [];
await measure("POST /checkout", (i) => s.call("POST", "/checkout", { caller: shoppers[i], body: checkoutBody(), headers: { "idempotency-key": `cpu-steps-${i}-xxxxxx` }, inProcess: true }).then(async (r) => { answers[i] = await r.json(); }));
const failed = answers.filter((a) => !a?.payment); if (failed.length) console.log("checkout failures", failed.length, JSON.stringify(failed[0]).slice(0, 300));
await measure("GET /cart (read)", (i) => s.call("GET", "/cart", { caller: shoppers[i], inProcess: true }).then((r) => r.text()));
await measure("GET /healthz", () => s.fetch(new Request(`${s.base}/healthz`)).then((r) => r.text()));
await s.close();
process.exit(0);
