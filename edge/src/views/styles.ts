import { ACCOUNT_CSS } from "./styles-account";
import { CART_CSS } from "./styles-cart";
import { CHECKOUT_CSS } from "./styles-checkout";

// Inline and tiny: one round trip paints the page, and there is no stylesheet to cache-bust.
export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
a{color:#0b57d0;text-decoration:underline;text-underline-offset:.15em}a:hover{text-decoration-thickness:2px}
header a,nav a,.card a,a.button,a.checkout,.pager a{text-decoration:none}header a:hover,nav a:hover,.card a:hover{text-decoration:underline}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}header :focus-visible{outline-color:#f5c518}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:-999px;top:.5rem;background:#fff;color:#0b57d0;padding:.4rem .8rem;z-index:10}.skip:focus{left:.5rem}
header{background:#111;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}.logo{font-weight:700;font-size:1.25rem}
header form{flex:1;display:flex;max-width:32rem}header input{flex:1;padding:.4rem;border:0;border-radius:4px 0 0 4px}
header button{border:0;border-radius:0 4px 4px 0;padding:.4rem .8rem}
header form.market{flex:0 1 auto}header form.market select{padding:.4rem;border:0;border-radius:4px 0 0 4px;max-width:12rem}
nav.cats{background:#fff;border-bottom:1px solid #ddd;padding:.4rem 1rem;display:flex;gap:1rem;flex-wrap:wrap;font-size:.9rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
.crumbs{font-size:.85rem;color:#555}.crumbs a{color:#555}
.grid{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.6rem;height:100%}
.card img{width:100%;height:auto;aspect-ratio:1;object-fit:cover;background:#eee;border-radius:4px}
.card h3{font-size:.95rem;margin:.3rem 0;font-weight:500}
.price{font-weight:600}.sale{color:#b00020}.badge{display:inline-block;background:#b00020;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8rem;font-weight:600;text-decoration:none}.discount{color:#b00020;font-size:.85rem}.sale-banner{background:#fff4f4;border:2px solid #b00020;border-radius:6px;padding:1rem;margin:1rem 0}.countdown time{font-variant-numeric:tabular-nums;font-weight:600}.coupon{margin:.5rem 0}.was{color:#595959;text-decoration:line-through;font-weight:400;margin-left:.4rem}
.tag{display:inline-block;font-size:.75rem;padding:0 .35rem;border-radius:3px;background:#eef;color:#334}
.out{background:#fde8e8;color:#8a1c1c}
.layout{display:grid;grid-template-columns:15rem 1fr;gap:1.5rem}
@media (max-width:700px){.layout{grid-template-columns:1fr}}
form.filters fieldset{border:1px solid #ddd;border-radius:4px;margin:0 0 .8rem;padding:.4rem .6rem}
form.filters label{display:block;font-size:.9rem}form.filters select{width:100%}
.pager{display:flex;gap:1rem;justify-content:center;margin:1.5rem 0}
.product{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem}
@media (max-width:700px){.product{grid-template-columns:1fr}}
.slides{display:flex;gap:.5rem;overflow-x:auto;scroll-snap-type:x mandatory;overscroll-behavior-x:contain;border-radius:6px}
.slides img{flex:0 0 100%;width:100%;height:auto;scroll-snap-align:center;background:#eee;border-radius:6px}
.thumbs{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:.5rem}.thumbs a{display:block}.thumbs img{display:block;border-radius:4px;background:#eee}
details.filters-panel>summary{display:inline-flex;align-items:center;min-height:44px;padding:0 1rem;margin-bottom:.6rem;border:1px solid #0b57d0;border-radius:6px;color:#0b57d0;font-weight:600;cursor:pointer}
@media (min-width:701px){@supports selector(::details-content){details.filters-panel>summary{display:none}details.filters-panel::details-content{content-visibility:visible;display:block}}}
@media (max-width:700px){
header a,nav a,.pager a,.thumbs a,a.checkout,a.button{display:inline-flex;align-items:center;min-height:44px;min-width:44px}
pre{overflow-x:auto}main{overflow-wrap:anywhere}
nav.crumbs a{padding:0 .2rem}
button,select,input:not([type=checkbox]):not([type=radio]),textarea{min-height:44px}
label:has(>input[type=checkbox]),label:has(>input[type=radio]),label.choice{display:flex;align-items:center;gap:.5rem;min-height:44px}
input[type=checkbox],input[type=radio]{width:1.25rem;height:1.25rem;margin:0}
table{display:block;overflow-x:auto}
}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem;border-bottom:1px solid #e3e3e3}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#555}dd{margin:0}
.stars{color:#8a6500;letter-spacing:.05em}.reviews .review{border-top:1px solid #e3e3e3;padding:.8rem 0}
.histogram{display:grid;grid-template-columns:max-content 12rem max-content;gap:.2rem .6rem;align-items:center;font-size:.85rem}
.histogram .bar{background:#eee;height:.6rem;border-radius:3px;overflow:hidden}.histogram .bar span{display:block;height:100%;background:#b8860b}
.review .reply{margin:.4rem 0 0 1rem;padding:.4rem .6rem;border-left:3px solid #ccd;background:#f7f7fb}
.review .photos{display:flex;gap:.4rem}.review .photos img{border-radius:4px;background:#eee}
.review form{display:inline}.review .meta{color:#555;font-size:.85rem}.verified{color:#2a7a2a;font-size:.8rem}
.queue .review{border:1px solid #e3e3e3;border-radius:6px;padding:.6rem;margin:.6rem 0}
footer{color:#595959;font-size:.8rem;text-align:center;padding:2rem}
${CART_CSS}${CHECKOUT_CSS}${ACCOUNT_CSS}`;
