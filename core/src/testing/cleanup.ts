import { afterAll } from "bun:test";
import { removeTempDirs } from "./harness";

// A preloaded afterAll runs once after every test file: Bun does not fire process "exit"
// handlers inside `bun test`, and each suite's temp databases and images would pile up in /tmp.
afterAll(removeTempDirs);
