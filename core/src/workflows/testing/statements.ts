import { AsyncLocalStorage } from "node:async_hooks";
import type { Client, InStatement, Transaction, TransactionMode } from "@libsql/client";

// libSQL has no statement hook, so each client's execute/batch/transaction is wrapped in place
// (drizzle and the modules hold the same objects). Only statements issued inside `measure()`'s
// async context count: the relays, the bus and the sweepers running beside it do not.
// Durable commits are counted apart: each one is a WAL fsync (synchronous=FULL), paid on the
// event loop by the local driver — a transaction's COMMIT, a batch, or a write run on its own.

type Counts = Record<string, number>;
interface Tally {
	statements: Counts;
	commits: Counts;
}
const current = new AsyncLocalStorage<Tally>();
const WRITE = /^\s*(insert|update|delete|replace)\b/i;
const sqlOf = (stmt: InStatement) => (typeof stmt === "string" ? stmt : stmt.sql);

export function instrument(clients: Record<string, Client>): () => void {
	const restores: (() => void)[] = [];
	for (const [name, client] of Object.entries(clients)) {
		const c = client as unknown as Record<string, unknown>;
		const own = ["execute", "batch", "transaction"].map((k) => [k, Object.getOwnPropertyDescriptor(c, k)] as const);
		const execute = client.execute.bind(client);
		const batch = client.batch.bind(client);
		const transaction = client.transaction.bind(client);
		const add = (n: number, commits = 0) => {
			const tally = current.getStore();
			if (!tally) return;
			tally.statements[name] = (tally.statements[name] ?? 0) + n;
			if (commits) tally.commits[name] = (tally.commits[name] ?? 0) + commits;
		};
		c.execute = (stmt: InStatement) => {
			add(1, WRITE.test(sqlOf(stmt)) ? 1 : 0);
			return execute(stmt);
		};
		// A batch runs BEGIN, its statements and COMMIT.
		c.batch = (stmts: InStatement[], mode?: TransactionMode) => {
			add(stmts.length + 2, 1);
			return batch(stmts, mode);
		};
		c.transaction = async (mode?: TransactionMode) => {
			add(1); // BEGIN
			const tx = await transaction(mode);
			wrapTransaction(tx, add);
			return tx;
		};
		restores.push(() => {
			for (const [k, d] of own) {
				if (d) Object.defineProperty(c, k, d);
				else delete c[k];
			}
		});
	}
	return () => {
		for (const r of restores) r();
	};
}

function wrapTransaction(tx: Transaction, add: (n: number, commits?: number) => void) {
	const execute = tx.execute.bind(tx);
	const batch = tx.batch.bind(tx);
	const commit = tx.commit.bind(tx);
	const rollback = tx.rollback.bind(tx);
	tx.execute = (stmt) => {
		add(1);
		return execute(stmt);
	};
	tx.batch = (stmts) => {
		add(stmts.length);
		return batch(stmts);
	};
	tx.commit = () => {
		add(1, 1);
		return commit();
	};
	tx.rollback = () => {
		add(1);
		return rollback();
	};
}

const sum = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Runs `fn` and counts the statements it (and everything it awaits) sent, per client name, and
 * among them the durable commits.
 */
export async function measure<T>(
	fn: () => Promise<T>,
): Promise<{ result: T; counts: Counts; total: number; commits: Counts; totalCommits: number }> {
	const tally: Tally = { statements: {}, commits: {} };
	const result = await current.run(tally, fn);
	return {
		result,
		counts: tally.statements,
		total: sum(tally.statements),
		commits: tally.commits,
		totalCommits: sum(tally.commits),
	};
}
