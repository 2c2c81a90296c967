export * from "./catalog";
export * from "./events";
export * from "./problem";
export * from "./reference";
