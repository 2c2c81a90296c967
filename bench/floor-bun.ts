// The core's floor: a bare Bun.serve answering fixed, pre-serialised JSON with no routing, no
// signature check and no cache lookup. The catalog bench divides the core's product read by this.
// FLOOR_BODY_BYTES pads the body to the size of the core's product response, so both send the
// same bytes and the ratio measures our code rather than a difference in payload.

const port = Number(process.env.PORT ?? 0);
const target = Number(process.env.FLOOR_BODY_BYTES ?? 64);
const head = '{"ok":true,"service":"floor","padding":"';
const tail = '"}';
const body = head + "x".repeat(Math.max(0, target - head.length - tail.length)) + tail;
const headers = { "content-type": "application/json; charset=utf-8", etag: '"floor-1"' };

const server = Bun.serve({
	hostname: "127.0.0.1",
	port,
	fetch() {
		return new Response(body, { headers });
	},
});

// The parent reads the bound port from this line.
console.log(`listening ${server.port} bytes ${body.length}`);
