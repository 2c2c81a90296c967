import {
	type DeadLetter,
	EventEnvelope,
	type PendingEntry,
	type PendingSummary,
	SubscribeOptions,
	type SubscribeOptions as SubscribeOptionsInput,
} from "@bazaar/contracts/bus";
import type { Redis } from "ioredis";
import { closeRedis, connectRedis, waitForRedis } from "../lib/redis";
import { observeHandler } from "../observability/bus";
import {
	type Bus,
	backoffDelay,
	type DeadLetterPage,
	defaultConsumerName,
	domainOf,
	type EventHandler,
	errorMessage,
	GROUP_NAME,
	logDeadLetter,
	matchesType,
	RetryLater,
	retryLaterDelay,
	runByKey,
	type Subscription,
} from "./transport";

// The distributed backend (REDIS_URL set): Redis Streams with consumer groups.
//
// Layout: one stream per event DOMAIN (`<prefix>:stream:order` holds order.placed, order.paid, …).
// One stream for everything would make every group read (and skip) every event, at 11.11 rates
// mostly reservations it does not care about; one stream per full type would need a read over
// many keys for `order.*` subscribers and would lose the order between an aggregate's events of
// different types (order.placed before order.paid), which one domain stream keeps.
// Besides the domain streams each group has `<prefix>:replay:<group>` (dead letters put back for
// that group only) and `<prefix>:dead:<group>` (its dead letters).
//
// Delivery: XREADGROUP hands new entries to one consumer; XACK after the handler returned (its
// transaction committed). A failed entry stays in the consumer's pending list; the consumer
// retries it after an exponential backoff (XCLAIM to itself, which counts the delivery), and
// after `maxDeliveries` (the pending entry's delivery count) moves it to the dead letters.
// A live consumer touches the entries it holds (heartbeat: XCLAIM … JUSTID, which resets their
// idle time), so an entry idle longer than `idleTimeoutMs` belongs to a dead consumer: every
// consumer sweeps with XAUTOCLAIM and takes such entries over.

export interface RedisBusOptions {
	url: string;
	/** Key prefix; tests use a unique one. */
	prefix?: string;
	/** Publishing one event id twice within this window adds it once (0: no dedup). */
	dedupWindowMs?: number;
	/** Stream entries older than this are trimmed (XTRIM MINID). */
	retainMs?: number;
}

// Adds the event unless its id was published within the dedup window. XADD comes before the
// marker so a failed XADD never leaves a marker that would swallow the retry.
const PUBLISH_LUA = `
local ttl = tonumber(ARGV[1])
if ttl > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], '*', 'type', ARGV[3], 'event', ARGV[4])
if ttl > 0 then redis.call('SET', KEYS[2], id, 'PX', ttl) end
return id`;

// Resets the idle time of the entries this consumer still owns; returns those it owns.
const HEARTBEAT_LUA = `
local owned = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    owned[#owned + 1] = ARGV[i]
  end
end
return owned`;

// Re-delivers one of this consumer's own entries to itself (a retry): counts the delivery and
// returns {fields, deliveries}, or nil if another consumer took it over meanwhile.
const CLAIM_OWN_LUA = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 then return false end
local e = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3])
if #e == 0 or not e[1] then return false end
return {e[1][2], p[1][4] + 1}`;

type Fields = Record<string, string>;

interface Entry {
	stream: string;
	id: string;
	fields: Fields;
	deliveries: number;
}

interface BusRedis extends Redis {
	busPublish(stream: string, seenKey: string, ttl: number, id: string, type: string, event: string): Promise<unknown>;
	busHeartbeat(stream: string, group: string, consumer: string, ...ids: string[]): Promise<string[]>;
	busClaimOwn(stream: string, group: string, consumer: string, id: string): Promise<[string[], number] | null>;
}

class Keys {
	constructor(readonly prefix: string) {}
	stream(domain: string) {
		return `${this.prefix}:stream:${domain}`;
	}
	replay(group: string) {
		return `${this.prefix}:replay:${group}`;
	}
	dead(group: string) {
		return `${this.prefix}:dead:${group}`;
	}
	seen(eventId: string) {
		return `${this.prefix}:seen:${eventId}`;
	}
	get groups() {
		return `${this.prefix}:groups`;
	}
	groupStreams(group: string) {
		return `${this.prefix}:group-streams:${group}`;
	}
}

export async function openRedisBus(options: RedisBusOptions): Promise<Bus> {
	const redis = connectRedis(options.url, "bus") as BusRedis;
	redis.defineCommand("busPublish", { numberOfKeys: 2, lua: PUBLISH_LUA });
	redis.defineCommand("busHeartbeat", { numberOfKeys: 1, lua: HEARTBEAT_LUA });
	redis.defineCommand("busClaimOwn", { numberOfKeys: 1, lua: CLAIM_OWN_LUA });
	if (!(await waitForRedis(redis, 3_000))) console.warn("[bus] Redis not reachable yet; the bus retries");
	return new RedisBus(redis, options);
}

function fieldsOf(raw: unknown): Fields {
	const out: Fields = {};
	if (!Array.isArray(raw)) return out;
	for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = String(raw[i + 1]);
	return out;
}

/** XREADGROUP's reply: RESP3 (ioredis 6's default) flattens the map to [stream, entries, stream, entries…]. */
function streamsReply(reply: unknown): [string, unknown[]][] {
	if (!Array.isArray(reply)) return [];
	const out: [string, unknown[]][] = [];
	if (typeof reply[0] === "string") {
		for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), (reply[i + 1] as unknown[]) ?? []]);
	} else {
		for (const pair of reply as [string, unknown[]][]) out.push([String(pair[0]), pair[1] ?? []]);
	}
	return out;
}

function isBusyGroup(err: unknown): boolean {
	return errorMessage(err).includes("BUSYGROUP");
}

class RedisBus implements Bus {
	readonly backend = "redis" as const;
	private readonly keys: Keys;
	private readonly consumers: RedisConsumer[] = [];
	private started = false;
	private readonly dedupWindowMs: number;
	readonly retainMs: number;

	constructor(
		private readonly redis: BusRedis,
		private readonly o: RedisBusOptions,
	) {
		this.keys = new Keys(o.prefix ?? "bazaar:bus");
		this.dedupWindowMs = o.dedupWindowMs ?? 10 * 60_000;
		this.retainMs = o.retainMs ?? 7 * 24 * 3600_000;
	}

	async publish(events: EventEnvelope[]): Promise<void> {
		if (events.length === 0) return;
		const pipeline = this.redis.pipeline();
		for (const e of events) {
			(pipeline as unknown as BusRedis).busPublish(
				this.keys.stream(domainOf(e.type)),
				this.keys.seen(e.id),
				this.dedupWindowMs,
				e.id,
				e.type,
				JSON.stringify(e),
			);
		}
		const results = (await pipeline.exec()) ?? [];
		const failed = results.find(([err]) => err);
		if (failed || results.length !== events.length) throw failed?.[0] ?? new Error("publish: no reply from Redis");
	}

	subscribe(group: string, eventTypes: string[], handler: EventHandler, options: SubscribeOptionsInput = {}): void {
		if (!GROUP_NAME.test(group)) throw new Error(`bad consumer group name ${group}`);
		if (eventTypes.length === 0) throw new Error("subscribe to at least one event type");
		const o = SubscribeOptions.parse(options);
		const sub: Subscription = {
			group,
			eventTypes,
			handler: observeHandler(group, handler),
			options: { ...o, consumer: o.consumer ?? defaultConsumerName() },
		};
		const consumer = new RedisConsumer(this.redis, this.o.url, this.keys, sub, this.retainMs);
		this.consumers.push(consumer);
		if (this.started) void consumer.start();
	}

	async start(): Promise<void> {
		this.started = true;
		await Promise.all(this.consumers.map((c) => c.start()));
	}

	async stop(): Promise<void> {
		this.started = false;
		await Promise.all(this.consumers.map((c) => c.stop()));
		await closeRedis(this.redis);
	}

	async pending(group: string): Promise<PendingSummary> {
		const streams = await this.redis.smembers(this.keys.groupStreams(group));
		const entries: PendingEntry[] = [];
		let lag: number | null = 0;
		for (const stream of streams) {
			const infos = (await this.redis.call("XINFO", "GROUPS", stream).catch(() => [])) as unknown[];
			const info = infos.map(fieldsOf).find((f) => f.name === group);
			if (!info) continue;
			if (lag !== null) lag = info.lag === undefined || info.lag === "" ? null : lag + Number(info.lag);
			const rows = (await this.redis.call("XPENDING", stream, group, "-", "+", 1000)) as [
				string,
				string,
				number,
				number,
			][];
			if (rows.length === 0) continue;
			const pipeline = this.redis.pipeline();
			for (const [id] of rows) pipeline.call("XRANGE", stream, id, id);
			const bodies = (await pipeline.exec()) ?? [];
			rows.forEach(([id, consumer, idle, count], i) => {
				const found = bodies[i]?.[1] as [string, unknown][] | undefined;
				const fields = fieldsOf(found?.[0]?.[1]);
				const event = fields.event ? (JSON.parse(fields.event) as EventEnvelope) : null;
				entries.push({
					group,
					messageId: `${stream} ${id}`,
					eventId: event?.id ?? "(trimmed)",
					type: event?.type ?? fields.type ?? "(trimmed)",
					consumer,
					deliveries: Number(count),
					idleMs: Number(idle),
				});
			});
		}
		return { group, pending: entries.length, lag, entries };
	}

	// Each group's dead letters are one stream whose ids are the times they died, so a page reads
	// each group's stream backwards from where the cursor's key stops it and merges them.
	async deadLetters(group?: string, page: DeadLetterPage = {}): Promise<DeadLetter[]> {
		const limit = page.limit ?? 1000;
		const groups = group ? [group] : await this.redis.smembers(this.keys.groups);
		const out: DeadLetter[] = [];
		for (const g of groups) {
			let end = newestAfter(g, page.after);
			let taken = 0;
			while (end !== null && taken < limit) {
				const rows = (await this.redis.call("XREVRANGE", this.keys.dead(g), end, "-", "COUNT", limit)) as [
					string,
					unknown,
				][];
				for (const [id, raw] of rows) {
					const f = fieldsOf(raw);
					if (page.type && f.type !== page.type) continue;
					out.push({
						id,
						group: g,
						event: EventEnvelope.parse(JSON.parse(f.event ?? "null")),
						deliveries: Number(f.deliveries ?? 0),
						lastError: f.error ?? null,
						deadAt: new Date(streamMs(id)).toISOString(),
					});
					taken++;
				}
				const last = rows.at(-1);
				end = rows.length === limit && last ? `(${last[0]}` : null;
			}
		}
		return out.sort(newestFirst).slice(0, limit);
	}

	async countDeadLetters(group: string): Promise<number> {
		return Number(await this.redis.xlen(this.keys.dead(group)));
	}

	async replayDeadLetter(group: string, deadLetterId: string): Promise<boolean> {
		const dead = this.keys.dead(group);
		const rows = (await this.redis.call("XRANGE", dead, deadLetterId, deadLetterId)) as [string, unknown][];
		const row = rows[0];
		if (!row) return false;
		const f = fieldsOf(row[1]);
		const replay = this.keys.replay(group);
		await this.redis.call("XGROUP", "CREATE", replay, group, "0", "MKSTREAM").catch((err) => {
			if (!isBusyGroup(err)) throw err;
		});
		// Only this group reads its replay stream, so the other groups don't see the event again.
		const res = await this.redis
			.multi()
			.call("XADD", replay, "*", "type", f.type ?? "", "event", f.event ?? "")
			.call("XDEL", dead, deadLetterId)
			.exec();
		const failed = res?.find(([err]) => err);
		if (!res || failed) throw failed?.[0] ?? new Error("replay aborted");
		for (const c of this.consumers) if (c.group === group) c.wake();
		return true;
	}
}

class RedisConsumer {
	private running = false;
	private reader: Redis | null = null;
	private readerId: number | null = null;
	private loopDone: Promise<void> | null = null;
	private sweepDone: Promise<void> | null = null;
	private readonly streams: string[];
	/** Entries this consumer holds (in a handler or waiting for a retry), by "<stream> <id>". */
	private readonly held = new Map<
		string,
		{ stream: string; id: string; retry: ReturnType<typeof setTimeout> | null }
	>();
	private readonly work = new Set<Promise<void>>();
	private sweepWake: (() => void) | null = null;
	private lastMaintenance = 0;

	constructor(
		private readonly redis: BusRedis,
		private readonly url: string,
		private readonly keys: Keys,
		private readonly sub: Subscription,
		private readonly retainMs: number,
	) {
		const domains = [...new Set(sub.eventTypes.map(domainOf))];
		this.streams = [...domains.map((d) => keys.stream(d)), keys.replay(sub.group)];
	}

	get group(): string {
		return this.sub.group;
	}

	private get me(): string {
		return this.sub.options.consumer;
	}

	wake(): void {
		this.sweepWake?.();
	}

	async start(): Promise<void> {
		if (this.running) return;
		const { group } = this.sub;
		for (const stream of this.streams) {
			// From "0": a group created after events were published still gets everything retained.
			await this.redis.call("XGROUP", "CREATE", stream, group, "0", "MKSTREAM").catch((err) => {
				if (!isBusyGroup(err)) throw err;
			});
		}
		await this.redis
			.multi()
			.sadd(this.keys.groups, group)
			.sadd(this.keys.groupStreams(group), ...this.streams)
			.exec();
		// Blocking reads get their own connection (they hold it for up to pollMs).
		this.reader = connectRedis(this.url, `bus-${group}`, { offlineQueue: true });
		const reader = this.reader;
		reader.on("ready", () => {
			reader
				.client("ID")
				.then((id) => {
					this.readerId = Number(id);
				})
				.catch(() => undefined);
		});
		await waitForRedis(reader, 3_000);
		this.readerId = Number(await reader.client("ID"));
		this.running = true;
		this.loopDone = this.readLoop();
		this.sweepDone = this.sweepLoop();
	}

	async stop(): Promise<void> {
		if (!this.running) return;
		this.running = false;
		this.sweepWake?.();
		if (this.readerId !== null) await this.redis.client("UNBLOCK", this.readerId).catch(() => undefined);
		await Promise.all([this.loopDone, this.sweepDone]);
		while (this.work.size > 0) await Promise.all([...this.work]);
		// Entries waiting for a retry: make them look abandoned so a live consumer takes them now
		// instead of after the idle timeout.
		for (const h of this.held.values()) {
			if (h.retry) clearTimeout(h.retry);
			await this.redis
				.call("XCLAIM", h.stream, this.sub.group, this.me, 0, h.id, "IDLE", this.sub.options.idleTimeoutMs, "JUSTID")
				.catch(() => undefined);
		}
		this.held.clear();
		if (this.reader) await closeRedis(this.reader);
		this.reader = null;
	}

	private async readLoop(): Promise<void> {
		const o = this.sub.options;
		while (this.running) {
			try {
				const reply = await this.reader?.call(
					"XREADGROUP",
					"GROUP",
					this.sub.group,
					this.me,
					"COUNT",
					o.batchSize,
					"BLOCK",
					o.pollMs,
					"STREAMS",
					...this.streams,
					...this.streams.map(() => ">"),
				);
				const entries: Entry[] = [];
				for (const [stream, rows] of streamsReply(reply)) {
					for (const row of rows) {
						if (Array.isArray(row))
							entries.push({ stream, id: String(row[0]), fields: fieldsOf(row[1]), deliveries: 1 });
					}
				}
				if (entries.length === 0) continue;
				await this.process(entries);
			} catch (err) {
				if (!this.running) break;
				console.error(`[bus:${this.sub.group}] read failed:`, errorMessage(err));
				await Bun.sleep(Math.min(1_000, o.pollMs));
			}
		}
	}

	/** Heartbeats, take-over of a dead consumer's entries, housekeeping. */
	private async sweepLoop(): Promise<void> {
		const o = this.sub.options;
		const every = Math.max(20, Math.min(1_000, Math.floor(o.idleTimeoutMs / 3)));
		while (this.running) {
			try {
				await this.heartbeat();
				for (const stream of this.streams) await this.autoclaim(stream);
				await this.maintenance();
			} catch (err) {
				console.error(`[bus:${this.sub.group}] sweep failed:`, errorMessage(err));
			}
			if (!this.running) break;
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, every);
				const self = this;
				function done() {
					clearTimeout(timer);
					self.sweepWake = null;
					resolve();
				}
				this.sweepWake = done;
			});
		}
	}

	private async heartbeat(): Promise<void> {
		const byStream = new Map<string, string[]>();
		for (const h of this.held.values()) byStream.set(h.stream, [...(byStream.get(h.stream) ?? []), h.id]);
		for (const [stream, ids] of byStream) {
			const owned = new Set(await this.redis.busHeartbeat(stream, this.sub.group, this.me, ...ids));
			for (const id of ids) {
				if (owned.has(id)) continue;
				// Taken over (our heartbeat lapsed): the new owner delivers it; stop retrying it here.
				const h = this.held.get(`${stream} ${id}`);
				if (h?.retry) {
					clearTimeout(h.retry);
					this.held.delete(`${stream} ${id}`);
				}
			}
		}
	}

	private async autoclaim(stream: string): Promise<void> {
		const o = this.sub.options;
		let cursor = "0-0";
		for (let round = 0; round < 10 && this.running; round++) {
			const [next, rows] = (await this.redis.call(
				"XAUTOCLAIM",
				stream,
				this.sub.group,
				this.me,
				o.idleTimeoutMs,
				cursor,
				"COUNT",
				o.batchSize,
			)) as [string, ([string, unknown] | null)[], string[]];
			const claimed = rows.filter((r): r is [string, unknown] => Array.isArray(r) && r[1] !== null);
			if (claimed.length > 0) {
				// The delivery count lives in the pending entry (XAUTOCLAIM just added this delivery).
				const pipeline = this.redis.pipeline();
				for (const [id] of claimed) pipeline.call("XPENDING", stream, this.sub.group, id, id, 1);
				const counts = (await pipeline.exec()) ?? [];
				const entries: Entry[] = [];
				claimed.forEach(([id, raw], i) => {
					if (this.held.has(`${stream} ${id}`)) return;
					const p = (counts[i]?.[1] as [string, string, number, number][] | undefined)?.[0];
					entries.push({ stream, id, fields: fieldsOf(raw), deliveries: p ? Number(p[3]) : 1 });
				});
				if (entries.length > 0) this.track(this.process(entries));
			}
			if (next === "0-0") break;
			cursor = next;
		}
	}

	private async maintenance(): Promise<void> {
		const now = Date.now();
		if (now - this.lastMaintenance < 60_000) return;
		this.lastMaintenance = now;
		for (const stream of this.streams) {
			if (stream !== this.keys.replay(this.sub.group)) {
				await this.redis.call("XTRIM", stream, "MINID", "~", `${now - this.retainMs}-0`);
			}
			// Every process start is a new consumer name; forget old ones that hold nothing.
			const consumers = ((await this.redis.call("XINFO", "CONSUMERS", stream, this.sub.group)) as unknown[]).map(
				fieldsOf,
			);
			for (const c of consumers) {
				if (c.name !== this.me && c.pending === "0" && Number(c.idle) > 3600_000) {
					await this.redis.call("XGROUP", "DELCONSUMER", stream, this.sub.group, c.name ?? "");
				}
			}
		}
	}

	private track(p: Promise<void>): void {
		const tracked = p
			.catch((err) => console.error(`[bus:${this.sub.group}] delivery failed:`, errorMessage(err)))
			.finally(() => this.work.delete(tracked));
		this.work.add(tracked);
	}

	private async process(entries: Entry[]): Promise<void> {
		const skip: Entry[] = [];
		const mine: Entry[] = [];
		for (const e of entries) {
			if (e.fields.type && matchesType(this.sub.eventTypes, e.fields.type)) mine.push(e);
			else skip.push(e);
		}
		// Other types of the same domain: not for this group; acknowledge them unseen.
		for (const e of skip) await this.redis.call("XACK", e.stream, this.sub.group, e.id);
		await runByKey(
			mine,
			(e) => keyOf(e),
			(e) => this.deliver(e),
		);
	}

	private async deliver(e: Entry): Promise<void> {
		const o = this.sub.options;
		const ref = `${e.stream} ${e.id}`;
		let event: EventEnvelope;
		try {
			event = EventEnvelope.parse(JSON.parse(e.fields.event ?? "null"));
		} catch (err) {
			await this.deadLetter(e, `unreadable event: ${errorMessage(err)}`);
			return;
		}
		if (e.deliveries > o.maxDeliveries) {
			await this.deadLetter(e, "delivery limit reached (consumers crashed or timed out)");
			return;
		}
		this.held.set(ref, { stream: e.stream, id: e.id, retry: null });
		try {
			await this.sub.handler(event, { group: this.sub.group, deliveries: e.deliveries, messageId: ref });
		} catch (err) {
			if (err instanceof RetryLater) this.waitFor(e, event);
			else await this.failed(e, errorMessage(err));
			return;
		}
		this.held.delete(ref);
		// The handler's transaction has committed: acknowledge. A lost ACK means one redelivery,
		// which the consumer's inbox absorbs.
		await this.redis.call("XACK", e.stream, this.sub.group, e.id);
	}

	private async failed(e: Entry, message: string): Promise<void> {
		const o = this.sub.options;
		const ref = `${e.stream} ${e.id}`;
		const rows = (await this.redis.call("XPENDING", e.stream, this.sub.group, e.id, e.id, 1)) as [
			string,
			string,
			number,
			number,
		][];
		const p = rows[0];
		if (!p || p[1] !== this.me) {
			this.held.delete(ref); // another consumer owns it now
			return;
		}
		const deliveries = Number(p[3]);
		if (deliveries >= o.maxDeliveries) {
			this.held.delete(ref);
			await this.deadLetter({ ...e, deliveries }, message);
			return;
		}
		// Stopping: leave it held, stop() hands it to the other consumers.
		if (!this.running) return;
		const h = { stream: e.stream, id: e.id, retry: null as ReturnType<typeof setTimeout> | null };
		h.retry = setTimeout(() => this.track(this.retry(e)), backoffDelay(deliveries, o));
		this.held.set(ref, h);
	}

	/**
	 * RetryLater: the event waits for something still in flight. After the wait it goes back to
	 * this group's replay stream as a fresh entry (and the held one is acknowledged, in one MULTI),
	 * so the delivery count that dead-letters poison events never grows from waiting. Until then it
	 * stays pending and held (heartbeats keep it ours; a crash hands it to another consumer).
	 */
	private waitFor(e: Entry, event: EventEnvelope): void {
		const ref = `${e.stream} ${e.id}`;
		if (!this.running) return;
		const h = { stream: e.stream, id: e.id, retry: null as ReturnType<typeof setTimeout> | null };
		h.retry = setTimeout(() => this.track(this.requeue(e)), retryLaterDelay(event.occurredAt, this.sub.options));
		this.held.set(ref, h);
	}

	private async requeue(e: Entry): Promise<void> {
		const ref = `${e.stream} ${e.id}`;
		if (!this.running) return;
		const replay = this.keys.replay(this.sub.group);
		const tx = this.redis
			.multi()
			.call("XADD", replay, "*", "type", e.fields.type ?? "", "event", e.fields.event ?? "")
			.call("XACK", e.stream, this.sub.group, e.id);
		// The replay stream is not trimmed by age: a waited-for entry is removed once re-added.
		if (e.stream === replay) tx.call("XDEL", replay, e.id);
		const res = await tx.exec();
		this.held.delete(ref);
		const failed = res?.find(([err]) => err);
		if (!res || failed) throw failed?.[0] ?? new Error("requeue aborted");
		this.wake();
	}

	private async retry(e: Entry): Promise<void> {
		const ref = `${e.stream} ${e.id}`;
		if (!this.running) return;
		const claimed = await this.redis.busClaimOwn(e.stream, this.sub.group, this.me, e.id);
		if (!claimed) {
			this.held.delete(ref);
			return;
		}
		await this.deliver({ ...e, fields: fieldsOf(claimed[0]), deliveries: Number(claimed[1]) });
	}

	private async deadLetter(e: Entry, message: string): Promise<void> {
		const res = await this.redis
			.multi()
			.call(
				"XADD",
				this.keys.dead(this.sub.group),
				"*",
				"type",
				e.fields.type ?? "",
				"event",
				e.fields.event ?? "",
				"stream",
				e.stream,
				"streamId",
				e.id,
				"deliveries",
				String(e.deliveries),
				"error",
				message,
				"deadAt",
				new Date().toISOString(),
			)
			.call("XACK", e.stream, this.sub.group, e.id)
			.exec();
		const failed = res?.find(([err]) => err);
		if (!res || failed) throw failed?.[0] ?? new Error("dead-letter aborted");
		logDeadLetter(this.sub.group, e.fields.type, eventIdOf(e), e.deliveries, message);
	}
}

function eventIdOf(e: Entry): string {
	try {
		return (JSON.parse(e.fields.event ?? "{}") as { id?: string }).id ?? e.id;
	} catch {
		return e.id;
	}
}

function keyOf(e: Entry): string {
	try {
		return (JSON.parse(e.fields.event ?? "{}") as { key?: string }).key ?? e.id;
	} catch {
		return e.id;
	}
}

const streamMs = (id: string) => Number(id.split("-")[0]);
const streamSeq = (id: string) => Number(id.split("-")[1] ?? 0);

/**
 * Where group `g`'s stream is read backwards from for the page after `after` (died at, group,
 * id), newest first: its own stream strictly before that id; a group sorting before it from the
 * same millisecond on; one sorting after it from the millisecond before. Null: nothing qualifies.
 */
function newestAfter(g: string, after: readonly string[] | null | undefined): string | null {
	if (!after) return "+";
	const [deadAt = "", group = "", id = ""] = after;
	const ms = Date.parse(deadAt);
	if (g === group) return `(${id}`;
	if (g < group) return String(ms);
	return ms > 0 ? String(ms - 1) : null;
}

function newestFirst(a: DeadLetter, b: DeadLetter): number {
	return (
		streamMs(b.id) - streamMs(a.id) ||
		(a.group === b.group ? 0 : a.group < b.group ? 1 : -1) ||
		streamSeq(b.id) - streamSeq(a.id)
	);
}
