import { type GatewayInfo, type GatewayList, GatewayName } from "@bazaar/contracts/payment";
import type { GatewayChoice } from "../views/checkout-parts";

// The gateways as the checkout pages offer them: the core's list (which it also enforces when
// the order is placed), the one to preselect, and the `gateway` field of a form.

/** What a gateway that does not describe itself is called on the page. */
const FALLBACK_LABELS: Record<string, string> = { sandbox: "Test payment (sandbox)" };

const labelOf = (g: GatewayInfo) => (g.label === g.name ? (FALLBACK_LABELS[g.name] ?? g.label) : g.label);

/** The choice to show; `wanted` (the gateway used last) is preselected when it is still enabled. */
export function choiceOf(list: GatewayList, wanted?: string | null): GatewayChoice {
	const picked = wanted && list.items.some((g) => g.name === wanted) ? wanted : (list.default ?? "");
	return { items: list.items.map((g) => ({ name: g.name, label: labelOf(g) })), picked };
}

/** The form's gateway: undefined when it has none (the core's default), null when it is malformed. */
export function gatewayOf(form: Record<string, string>): string | undefined | null {
	if (form.gateway === undefined || form.gateway === "") return undefined;
	const parsed = GatewayName.safeParse(form.gateway);
	return parsed.success ? parsed.data : null;
}
