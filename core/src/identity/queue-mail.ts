import { eq } from "drizzle-orm";
import { type Identity, identityWrite } from "./context";
import type { NewMail } from "./mail-outbox";
import { mailOutbox } from "./schema";

/**
 * Queues a message another module's flow sends (an order's confirmation): the outbox row and its
 * mail_queued event in one write, like identity's own mails. Idempotent by id, so a bus consumer
 * that runs twice queues the message once.
 */
export async function queueMail(identity: Identity, mail: NewMail & { id: string }): Promise<"queued" | "exists"> {
	return identityWrite(identity, async (tx) => {
		const [seen] = await tx.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.id, mail.id)).limit(1);
		if (seen) return "exists" as const;
		await identity.mail.enqueue(tx, mail);
		return "queued" as const;
	});
}
