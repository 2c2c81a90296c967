import { BotAnswer, type SupportTranscript } from "@bazaar/contracts/chat";
import { SupportRoom as Room, type SupportCore } from "@bazaar/realtime";
import type { Caller } from "@bazaar/signature";
import { z } from "zod";
import { callCore } from "../lib/core-call";

// The support room as this Worker binds it: realtime/'s room, reaching the core's `support`
// module through the edge's signed core calls. The room acts as the edge itself (the service
// caller); the shopper's account travels in the signed body, taken from the ticket the room
// admitted them with, never from anything the browser says.

const SERVICE: Caller = { user: "edge", roles: ["service"] };

export function supportCore(env: Env): SupportCore {
	return {
		async botAnswer(request) {
			const answer = await callCore(env, BotAnswer, "POST", "/support/bot/answer", SERVICE, { body: request });
			if (!answer.ok) console.warn(`support bot: ${answer.status} ${answer.problem.detail ?? answer.problem.title}`);
			return answer.ok ? answer.value : null;
		},
		async saveTranscript(conversationId: string, transcript: SupportTranscript) {
			const path = `/support/conversations/${encodeURIComponent(conversationId)}/transcript`;
			const saved = await callCore(env, z.unknown(), "PUT", path, SERVICE, { body: transcript });
			if (!saved.ok)
				console.warn(`support transcript ${conversationId}: ${saved.status} ${saved.problem.detail ?? ""}`);
			return saved.ok;
		},
	};
}

export class SupportRoom extends Room {
	protected override supportCore(): SupportCore {
		return supportCore(this.env);
	}
}
