import { stack, registerCustomer } from "./workflows/testing/stack";
const s = await stack();
const list = await (await s.call("GET", "/catalog/products?kind=physical&inStock=true&limit=20", { inProcess: true })).json() as any;
const variants: string[] = [];
for (const it of list.items) { const p = await (await s.call("GET", `/catalog/products/${it.slug}`, { inProcess: true })).json() as any; const v = p.variants.find((x: any) => x.inStock); if (v) variants.push(v.id); }
const N = 300;
const shoppers = await Promise.all(Array.from({ length: N }, (_, i) => registerCustomer(s, `Cpu ${i}`)));
await Bun.sleep(500);
const c0 = process.cpuUsage();
for (let round = 0; round < 5; round++)
	await Promise.all(Array.from({ length: N }, (_, i) => s.call("POST", "/cart/lines", { caller: shoppers[i], body: { variantId: variants[(i + round) % variants.length], quantity: 1 }, inProcess: true }).then((r) => r.text())));
const c = process.cpuUsage(c0);
console.log("cart add", ((c.user + c.system) / 1000 / N / 5).toFixed(3), "ms CPU/op");
await s.close();
process.exit(0);
