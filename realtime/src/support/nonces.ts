// Join tickets are single use: the room a ticket opens remembers its nonce until the ticket
// expires. The check and the insert are one synchronous statement in the object's SQLite, and an
// object runs one call at a time, so two connections racing with one ticket cannot both get in.

export function createNonceTable(sql: SqlStorage): void {
	sql.exec("CREATE TABLE IF NOT EXISTS ticket_nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
}

/** True the first time a nonce is offered (before it expires), false ever after. */
export function consumeNonce(sql: SqlStorage, nonce: string, expiresAt: number, now = Date.now()): boolean {
	// Spent tickets are dropped as new ones arrive, so the table holds about a minute's worth.
	sql.exec("DELETE FROM ticket_nonces WHERE expires_at < ?", now);
	const inserted = sql.exec(
		"INSERT INTO ticket_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
		nonce,
		expiresAt,
	);
	return inserted.toArray().length === 1;
}
