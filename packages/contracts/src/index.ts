export * from "./catalog";
export * from "./events";
export * from "./problem";
