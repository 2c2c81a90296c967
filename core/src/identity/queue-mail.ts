import { eq } from "drizzle-orm";
import { type Identity, identityWrite } from "./context";
import type { NewMail } from "./mail-outbox";
import { mailOutbox } from "./schema";

/**
 * A message another flow asks to send (a workflow's: e.g. a paid order's downloads and keys),
 * queued in the outbox like the module's own. Idempotent by id: a redelivered event that asks
 * again queues nothing more, so the shopper gets one mail.
 */
export async function queueMail(identity: Identity, mail: NewMail & { id: string }): Promise<{ queued: boolean }> {
	return identityWrite(identity, async (tx) => {
		const [seen] = await tx.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.id, mail.id));
		if (seen) return { queued: false };
		await identity.mail.enqueue(tx, mail);
		return { queued: true };
	});
}
