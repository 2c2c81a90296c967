import type { EchoRoom } from "../src/index.ts";

declare global {
	namespace Cloudflare {
		interface Env {
			EchoRoom: DurableObjectNamespace<EchoRoom>;
		}
		interface GlobalProps {
			mainModule: typeof import("./worker.ts");
			durableNamespaces: "EchoRoom";
		}
	}
}
