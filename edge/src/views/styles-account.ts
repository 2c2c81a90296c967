// Styles for the account, order and dev-mail pages, appended to the shared CSS. The plain
// `.notice` box and the paid/shipped/delivered/pending status colours come from the checkout's
// styles (the same order statuses look the same everywhere); only what they lack is here.
export const ACCOUNT_CSS = `
.notice.ok{border-color:#a3c9a8;background:#f3fbf4;color:#1e4d26}
.account-nav{display:flex;gap:1rem;flex-wrap:wrap;margin:.4rem 0 1rem;font-size:.95rem}
.account-nav a[aria-current=page]{font-weight:600;color:#1d1d1f}
.account-section{margin:1.5rem 0;padding-top:.5rem;border-top:1px solid #e3e3e3}
.account-section h2{font-size:1.15rem;margin:.8rem 0 .4rem}
form.inline{display:inline;margin-left:.6rem}
.addresses{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}
.addresses li{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem}
.addresses .tag{margin-left:.4rem}
address{font-style:normal;margin:.3rem 0}
.address-form input:not([type=checkbox]),.account-section input:not([type=checkbox]){min-width:16rem}
.status-cancelled,.status-expired{background:#f1f1f1;color:#555}
.order-totals{max-width:24rem;margin:1rem 0 0 auto}.order-totals td{text-align:right}
.order-totals .grand th,.order-totals .grand td{font-weight:700;border-bottom:0}
.timeline{padding-left:1.2rem}.timeline li{margin:.2rem 0}
.mails li{margin:.4rem 0}.mail-text{white-space:pre-wrap;background:#fff;border:1px solid #e3e3e3;padding:.8rem;border-radius:4px}
`;
