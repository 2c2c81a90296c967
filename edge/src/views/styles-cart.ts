// Styles for the cart pages, appended to the shared CSS.
export const CART_CSS = ``;
