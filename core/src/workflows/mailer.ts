import { z } from "zod";
import type { Bus, SubscribeOptions } from "../bus";
import { MAIL_QUEUED, type MailOutbox } from "../identity/mail-outbox";

// identity.mail_queued → the identity module sends that message (SMTP, or the dev mailbox). A
// failure is thrown back: the bus retries it with backoff (about 5 s, 10 s, … up to an hour) and
// after the last attempt the mail is a dead letter an admin sees and can replay.

export const MAILER_GROUP = "mailer";
const MailQueued = z.object({ mailId: z.string().min(1) });

export function subscribeMailer(bus: Bus, mail: Pick<MailOutbox, "send">, tuning: SubscribeOptions = {}): void {
	bus.subscribe(
		MAILER_GROUP,
		[MAIL_QUEUED],
		async (event) => {
			await mail.send(MailQueued.parse(event.data).mailId);
		},
		{ maxDeliveries: 10, backoffMs: 5_000, maxBackoffMs: 3_600_000, ...tuning },
	);
}
