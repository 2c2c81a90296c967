// Styles for the checkout pages, appended to the shared CSS.
export const CHECKOUT_CSS = `
.checkout-steps{list-style:none;display:flex;gap:.5rem;padding:0;margin:.5rem 0 1rem;counter-reset:step;font-size:.9rem}
.checkout-steps li{counter-increment:step;padding:.2rem .7rem;border-radius:999px;background:#eee;color:#555}
.checkout-steps li::before{content:counter(step) ". "}
.checkout-steps li.current{background:#111;color:#fff}
.checkout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:2rem;align-items:start}
@media (max-width:800px){.checkout{grid-template-columns:1fr}}
.checkout-form fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem;padding:.6rem .9rem;background:#fff}
.checkout-form label{display:block}.checkout-form input:not([type=radio]):not([type=checkbox]){width:100%;padding:.4rem}
.checkout-form label.choice{display:flex;gap:.5rem;align-items:baseline;padding:.25rem 0}
.checkout aside{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.8rem}
.checkout-summary{margin:1rem 0}.checkout-summary .num{text-align:right;white-space:nowrap}.checkout-summary tfoot th{text-align:right;font-weight:400}
.checkout-summary tr.total th,.checkout-summary tr.total td{font-weight:700;font-size:1.05rem;border-bottom:0}
.checkout-review{display:flex;gap:3rem;flex-wrap:wrap;margin:1rem 0}.checkout-review address{font-style:normal}
.notice{background:#fff7e0;border:1px solid #f0d48a;border-radius:6px;padding:.6rem .9rem;margin:.8rem 0}
button.primary,a.button{display:inline-block;background:#0b57d0;color:#fff;border:0;border-radius:6px;padding:.7rem 1.4rem;font-size:1rem;cursor:pointer}
.status-paid,.status-fulfilled,.status-delivered{background:#e3f5e1;color:#1e5b1a}
.status-pending_payment{background:#fff3cd;color:#6b5200}
.gateways{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem;padding:.6rem .9rem;background:#fff;max-width:32rem}
.gateways label.choice{display:flex;gap:.5rem;align-items:baseline;padding:.25rem 0}
.stripe-pay{max-width:32rem}.payment-element{min-height:4rem;margin:0 0 1rem}
button.primary:disabled{opacity:.6;cursor:default}
.field-error{display:block;color:#8a1c1c;font-size:.9rem}input[aria-invalid=true]{border-color:#8a1c1c;outline:1px solid #8a1c1c}
`;
