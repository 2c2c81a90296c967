// Styles for the cart pages and the header's account/cart links, appended to the shared CSS.
export const CART_CSS = `
nav.me{display:flex;gap:1rem;align-items:center;margin-left:auto}
nav.me .count{display:inline-block;min-width:1.3rem;padding:0 .35rem;border-radius:999px;background:#f5c518;color:#111;font-size:.8rem;font-weight:700;text-align:center}
nav.me .count[hidden]{display:none}
form.add{display:flex;gap:.8rem;align-items:end;flex-wrap:wrap;margin:1rem 0}
form.add label{display:flex;flex-direction:column;font-size:.85rem;color:#555}
form.add select,form.add input{padding:.35rem;font-size:1rem}form.add input{width:5rem}
form.add button,a.checkout{background:#0b57d0;color:#fff;border:0;border-radius:4px;padding:.5rem 1.2rem;font-size:1rem;cursor:pointer}
a.checkout{display:inline-block;text-decoration:none}
table.cart td{vertical-align:top}table.cart img{border-radius:4px;background:#eee}
table.cart .variant{color:#555;font-size:.85rem}table.cart td.total{font-weight:600}
table.cart tr.unbuyable td{background:#fff6f6}
form.qty,form.remove{display:inline-flex;gap:.3rem;margin:0 .3rem .3rem 0}form.qty input{width:4rem}
.line-warning{color:#8a1c1c;font-size:.85rem}.line-warning.low_stock,.line-warning.price_changed{color:#8a5a00}
.cart-summary{text-align:right;margin:1rem 0}.cart-summary .note{color:#555;font-size:.85rem}
.cart-notice{padding:.6rem .8rem;border-radius:4px;margin:.5rem 0;background:#eef6ee;color:#1d4d1d}
.cart-notice.error{background:#fde8e8;color:#8a1c1c}
`;
