import { z } from "zod";
import { type Bus, handleOnce, type SubscribeOptions } from "../bus";
import type { IdentityModule } from "../identity/module";
import type { SupportModule } from "../support/module";
import { TICKET_ANSWERED } from "../support/tickets";

// support.ticket_answered → the answer is queued in the identity module's mail outbox, once per
// event (its inbox, in the identity database), and the core's one mailer (workflows/mailer.ts)
// sends it with its retries and dead letters. The event names the reply only: the address and
// the words stay in the support database until this moment.

export const SUPPORT_MAIL_GROUP = "support-mail";
const TicketAnswered = z.object({ ticketId: z.string(), replyId: z.string() });

export function subscribeSupportMail(
	bus: Bus,
	deps: { support: Pick<SupportModule, "ticketMail">; identity: Pick<IdentityModule, "identity"> },
	tuning: SubscribeOptions = {},
): void {
	bus.subscribe(
		SUPPORT_MAIL_GROUP,
		[TICKET_ANSWERED],
		async (event) => {
			const mail = await deps.support.ticketMail(TicketAnswered.parse(event.data).replyId);
			if (!mail) return;
			await handleOnce(
				deps.identity.identity.database,
				event.id,
				(tx) => deps.identity.identity.mail.enqueue(tx, mail),
				{ consumer: SUPPORT_MAIL_GROUP },
			);
		},
		tuning,
	);
}
