// The per-client write lock lives in lib/db (every module's writeTransaction takes it); the bus
// re-exports it so its relay and transports queue their plain writes behind the same lock.
export { withWriteLock, writeTransaction as lockedWriteTransaction } from "../lib/db";
