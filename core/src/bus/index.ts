// The message bus between core modules (issue 3). See README.md in this folder.
export * from "@bazaar/contracts/bus";
export { type BusConfig, createBus } from "./create-bus";
export { emit } from "./emit";
export { type HandleOnceOptions, type HandleOnceResult, handleOnce, wasHandled } from "./inbox";
export { type LibsqlBusOptions, openLibsqlBus } from "./libsql-transport";
export { openRedisBus, type RedisBusOptions } from "./redis-transport";
export { BusRelay, type BusRelayOptions, type ClaimedBatch } from "./relay";
export { busInbox, busMigrationSnippet, busMigrationSql, busOutbox, busTables, ensureBusTables } from "./schema";
export { type Bus, type DeliveryInfo, type EventHandler, RetryLater } from "./transport";
