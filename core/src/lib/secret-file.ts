import { closeSync, openSync, rmSync, writeSync } from "node:fs";

/**
 * Writes a secret to a new file only its owner can read (0600), so it never passes through a
 * log. Whatever was at `path` goes first: a file someone else created there, readable by others,
 * must not be reused with its old permissions.
 */
export function writeSecretFile(path: string, secret: string): void {
	rmSync(path, { force: true });
	// `wx` fails if the file reappeared in between instead of writing into someone else's file.
	const fd = openSync(path, "wx", 0o600);
	try {
		writeSync(fd, `${secret}\n`);
	} finally {
		closeSync(fd);
	}
}
