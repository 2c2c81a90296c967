import { type Billing, billingOf, type Address as OrderAddress, type ShippingMethod } from "@bazaar/contracts/order";
import { ServiceError } from "../lib/errors";

// Where an order goes, decided from the cart at checkout and at every quote: only physical goods
// travel, so only a cart with some needs a shipping address and method; digital goods and booked
// services are billed to a name and a country (the tax is computed from it) and no address is kept.

/** Whether anything in the cart travels: only physical goods do (digital goods and services do not). */
export const cartShips = (lines: { kind: string }[]) => lines.some((l) => l.kind === "physical");

export interface Destination {
	address: OrderAddress | null;
	shippingMethod: ShippingMethod | null;
	billing: Billing;
}

/**
 * Where the order goes. A cart that ships needs a shipping address and a method (422 naming the
 * missing one); a cart that ships nothing needs only its billing (name and tax country), given
 * as `billing` or taken from an address, and ignores a shipping method: no address is kept.
 */
export function destinationOf(
	ships: boolean,
	req: { billing?: Billing; shippingMethod?: ShippingMethod | undefined },
	given: OrderAddress | null,
): Destination {
	if (!ships) return { address: null, shippingMethod: null, billing: req.billing ?? billingOf(given as OrderAddress) };
	if (given === null) {
		throw new ServiceError(422, "Something in this cart ships: send a shipping address (address or addressId).", [
			{ path: "address", message: "required: the cart has goods to ship" },
		]);
	}
	if (req.shippingMethod === undefined) {
		throw new ServiceError(422, "Something in this cart ships: choose a shipping method.", [
			{ path: "shippingMethod", message: "required: standard or express" },
		]);
	}
	return { address: given, shippingMethod: req.shippingMethod, billing: billingOf(given) };
}
