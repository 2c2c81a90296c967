// Typed service errors. Services throw these; the app's one error handler turns them into
// RFC 9457 problems, so no route builds error responses by hand.

export class ServiceError extends Error {
	/** Response headers the problem needs, e.g. Retry-After on a 429. */
	headers?: Record<string, string>;
	constructor(
		readonly status: number,
		message: string,
		readonly errors?: { path: string; message: string }[],
	) {
		super(message);
		this.name = new.target.name;
	}
}

/**
 * An unexpected error, fit for a log line: a failed query's message carries its parameters
 * (password hashes, tokens, addresses), so everything from "params:" on is cut.
 */
export function redactError(err: unknown): string {
	const name = err instanceof Error ? err.name : typeof err;
	const message = err instanceof Error ? err.message : String(err);
	const causes = errorChain(err)
		.slice(1)
		.map((e) => (typeof e.message === "string" ? e.message : ""))
		.filter(Boolean);
	const text = [message, ...causes].join(" <- ");
	return `${name}: ${text.split(/\s*params:/)[0]?.slice(0, 500)}`;
}

export class NotFoundError extends ServiceError {
	constructor(what: string) {
		super(404, `${what} was not found.`);
	}
}

export class ConflictError extends ServiceError {
	constructor(message: string) {
		super(409, message);
	}
}

export class ValidationError extends ServiceError {
	constructor(message: string, errors?: { path: string; message: string }[]) {
		super(400, message, errors);
	}
}

export class UnsupportedMediaTypeError extends ServiceError {
	constructor(message: string) {
		super(415, message);
	}
}

type SqlError = { code?: string; rawCode?: number; message?: string; cause?: unknown };

/** The error and its causes (drizzle wraps libSQL errors in a DrizzleQueryError). */
export function errorChain(err: unknown): SqlError[] {
	const out: SqlError[] = [];
	let current = err;
	while (current && typeof current === "object" && out.length < 5) {
		out.push(current as SqlError);
		current = (current as SqlError).cause;
	}
	return out;
}

/** libSQL reports constraint failures with codes like SQLITE_CONSTRAINT_UNIQUE. */
export function isUniqueViolation(err: unknown): boolean {
	return errorChain(err).some(isUnique);
}

function isUnique(e: SqlError): boolean {
	return (
		e.code === "SQLITE_CONSTRAINT_UNIQUE" ||
		e.code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
		e.rawCode === 2067 ||
		e.rawCode === 1555 ||
		(typeof e.message === "string" && e.message.includes("UNIQUE constraint failed"))
	);
}
