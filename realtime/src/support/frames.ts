import { type ErrorCode, MAX_CHAT_FRAME_BYTES } from "@bazaar/contracts/chat";
import type { Connection, WSMessage } from "partyserver";
import type { z } from "zod";
import type { Throttle } from "./throttle";

// Reading what a browser sends a support room: a frame is a JSON text within MAX_CHAT_FRAME_BYTES
// whose `type` the room knows and whose fields fit that type. Anything else becomes an error frame
// for the sender (the connection stays up), never an exception in the room.

export type FrameError = { error: ErrorCode; detail: string };

const encoder = new TextEncoder();

function tooLarge(text: string): boolean {
	// A UTF-16 unit is at most 3 UTF-8 bytes: only a text near the limit needs encoding to know.
	if (text.length * 3 <= MAX_CHAT_FRAME_BYTES) return false;
	return text.length > MAX_CHAT_FRAME_BYTES || encoder.encode(text).byteLength > MAX_CHAT_FRAME_BYTES;
}

/** The frame `message` holds if it is a valid one of `schema`'s types (`types` lists them), else why not. */
export function readFrame<S extends z.ZodType>(
	message: WSMessage,
	schema: S,
	types: ReadonlySet<string>,
): z.infer<S> | FrameError {
	if (typeof message !== "string") {
		const size = message.byteLength;
		if (size > MAX_CHAT_FRAME_BYTES)
			return { error: "too_large", detail: `Frames are at most ${MAX_CHAT_FRAME_BYTES} bytes.` };
		return { error: "bad_json", detail: "Send frames as JSON text, not binary." };
	}
	if (tooLarge(message)) return { error: "too_large", detail: `Frames are at most ${MAX_CHAT_FRAME_BYTES} bytes.` };
	let json: unknown;
	try {
		json = JSON.parse(message);
	} catch {
		return { error: "bad_json", detail: "The frame is not valid JSON." };
	}
	const type = typeof json === "object" && json !== null ? (json as { type?: unknown }).type : undefined;
	if (typeof type !== "string" || !types.has(type)) {
		return { error: "unknown_type", detail: `A frame's type is one of: ${[...types].join(", ")}.` };
	}
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue?.path.length ? `${issue.path.map(String).join(".")}: ` : "";
		return { error: "invalid", detail: `Not a valid ${type} frame: ${where}${issue?.message ?? "invalid"}.` };
	}
	return parsed.data;
}

export function isFrameError(frame: unknown): frame is FrameError {
	return typeof frame === "object" && frame !== null && "error" in frame;
}

/** The error frame's text (kept as a string so a room sends it without building objects twice). */
export function errorFrame(code: ErrorCode, detail: string, clientId?: string): string {
	return JSON.stringify(
		clientId === undefined ? { type: "error", code, detail } : { type: "error", code, detail, clientId },
	);
}

/**
 * The frame to act on, or null when it was refused: over the connection's rate (one error frame
 * a second at most, the rest dropped quietly) or not a valid frame (an error frame saying why).
 */
export function acceptFrame<S extends z.ZodType>(
	connection: Connection,
	message: WSMessage,
	throttle: Throttle,
	schema: S,
	types: ReadonlySet<string>,
): z.infer<S> | null {
	const pace = throttle.take(connection.id);
	if (pace !== "ok") {
		if (pace === "warn") {
			connection.send(
				errorFrame("too_fast", "Too many frames: some were dropped. Resend unacknowledged messages in a moment."),
			);
		}
		return null;
	}
	const frame = readFrame(message, schema, types);
	if (isFrameError(frame)) {
		connection.send(errorFrame(frame.error, frame.detail));
		return null;
	}
	return frame;
}
