// Styles for the checkout pages, appended to the shared CSS.
export const CHECKOUT_CSS = ``;
