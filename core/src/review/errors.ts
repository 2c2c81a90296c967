import { ServiceError } from "../lib/errors";

/** The caller may not do this to the review (not a verified buyer; their own review). */
export class ForbiddenError extends ServiceError {
	constructor(message: string) {
		super(403, message);
	}
}
