import { countStatements, enableStatementCounting } from "./lib/db";
enableStatementCounting();
const { stack, registerCustomer } = await import("./workflows/testing/stack");
const s = await stack();
const list = await (await s.call("GET", "/catalog/products?kind=physical&inStock=true&limit=20", { inProcess: true })).json() as any;
const p = await (await s.call("GET", `/catalog/products/${list.items[0].slug}`, { inProcess: true })).json() as any;
const v = p.variants.find((x: any) => x.inStock);
const shopper = await registerCustomer(s, "Cpu");
for (let i = 0; i < 3; i++) {
	const m = await countStatements(() => s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: v.id, quantity: 1 }, inProcess: true }).then((r) => r.text()));
	console.log("cart add statements", m.total, m.counts, "commits", m.commits);
}
const N = Number(process.env.N ?? 2000);
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) await s.call("POST", "/cart/lines", { caller: shopper, body: { variantId: v.id, quantity: 1 + (i % 5) }, inProcess: true }).then((r) => r.text());
const c = process.cpuUsage(c0);
console.log("sequential cart add", ((c.user + c.system) / 1000 / N).toFixed(3), "ms CPU/op", ((performance.now() - t0) / N).toFixed(3), "ms wall");
const c1 = process.cpuUsage();
for (let i = 0; i < N; i++) await s.call("GET", "/cart", { caller: shopper, inProcess: true }).then((r) => r.text());
const c2 = process.cpuUsage(c1);
console.log("sequential cart read", ((c2.user + c2.system) / 1000 / N).toFixed(3), "ms CPU/op");
await s.close();
process.exit(0);
