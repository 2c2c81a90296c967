// autocannon in a process of its own (the fallback load tool): argv[2] is the JSON spec
// {baseUrl, requests: [{path, headers}], connections, duration}; prints one JSON line.

import autocannon from "autocannon";

const spec = JSON.parse(process.argv[2]);
const result = await autocannon({
	url: spec.baseUrl,
	connections: spec.connections,
	duration: spec.duration,
	timeout: 5,
	requests: spec.requests.map((r) => ({ method: "GET", path: r.path, headers: r.headers ?? {} })),
});
const durationS = result.duration;
console.log(
	JSON.stringify({
		requests: result.requests.total,
		durationS,
		rps: result.requests.total / durationS,
		p50: result.latency.p50,
		p90: result.latency.p90,
		p99: result.latency.p99,
		max: result.latency.max,
		mean: result.latency.average,
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	}),
);
