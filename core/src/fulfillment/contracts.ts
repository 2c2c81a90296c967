// The wire contracts live in @bazaar/contracts so the edge and the client share them.
export * from "@bazaar/contracts/fulfillment";
