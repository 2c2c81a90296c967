// One line per request answered and per bus event handled (LOG_REQUESTS=on, production's
// default), written through console like everything else, so it carries the request id. The hot
// catalog reads are left out: they are counted in /metrics, and a line each would cost more
// than the read.

let enabled = false;

export function setRequestLogging(on: boolean): void {
	enabled = on;
}

export function logRequest(method: string, route: string, path: string, status: number, ms: number): void {
	if (!enabled) return;
	const line = `${method} ${path} (${route}) → ${status} in ${ms.toFixed(1)} ms`;
	if (status >= 500) console.error(line);
	else console.info(line);
}

export function logDelivery(group: string, type: string, eventId: string, outcome: string, ms: number): void {
	if (!enabled) return;
	const line = `bus ${group}: ${type} ${eventId} ${outcome} in ${ms.toFixed(1)} ms`;
	if (outcome === "error") console.warn(line);
	else console.info(line);
}
