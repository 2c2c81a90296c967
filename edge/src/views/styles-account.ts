// Styles for the account pages, appended to the shared CSS.
export const ACCOUNT_CSS = ``;
