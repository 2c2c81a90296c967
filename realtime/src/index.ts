export { EchoRoom, type Presence } from "./echo-room.ts";
