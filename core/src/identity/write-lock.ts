// One write at a time per process on the identity database. The local libSQL driver is
// synchronous: a second connection that meets a held write lock spins in SQLite's busy handler
// on the event loop thread, so the transaction holding the lock can never reach its COMMIT and
// both stall for the whole busy timeout. Queueing writes here (in memory, FIFO) keeps them
// from ever meeting; contention with other processes is still handled by the busy timeout and
// writeTransaction's retries.

export class WriteLock {
	private tail: Promise<unknown> = Promise.resolve();

	run<T>(fn: () => Promise<T>): Promise<T> {
		const result = this.tail.then(fn, fn);
		this.tail = result.catch(() => {});
		return result;
	}
}
