import type { ProductList, ProductQuery } from "@bazaar/contracts";
import { formatInMarket } from "../markets/context";
import { KIND_LABEL } from "./product-card";

// Price steps in minor units: a select needs no JavaScript and no decimal parsing, and the values
// go into the URL exactly as the API takes them.
const PRICE_STEPS = [500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000];

const SORTS = [
	["newest", "Newest"],
	["price_asc", "Price: low to high"],
	["price_desc", "Price: high to low"],
	["rating", "Customer rating"],
] as const;

export interface FiltersProps {
	action: string;
	query: ProductQuery;
	list: ProductList;
	/** Search keeps its text and may sort by relevance. */
	search?: boolean;
}

export function Filters({ action, query, list, search }: FiltersProps) {
	const sorts = search ? [["relevance", "Relevance"] as const, ...SORTS] : SORTS;
	const steps = PRICE_STEPS.filter(
		(s) => !list.priceRange || (s >= list.priceRange.min.amount / 2 && s <= list.priceRange.max.amount * 2),
	);
	const money = (amount: number) => formatInMarket({ amount, currency: query.currency });
	const active =
		(query.minPrice !== undefined ? 1 : 0) +
		(query.maxPrice !== undefined ? 1 : 0) +
		(query.inStock ? 1 : 0) +
		(query.kind ? 1 : 0) +
		Object.values(query.attr).reduce((n, values) => n + values.length, 0);
	// A phone shows the products first and the filters under a "Filters" button (a <details>: no
	// script needed); wider screens show the panel open beside the list (styles.ts).
	return (
		<details class="filters-panel">
			<summary>Filters{active > 0 ? <span class="count"> ({active} on)</span> : null}</summary>
			<FilterForm action={action} query={query} list={list} search={search} sorts={sorts} steps={steps} money={money} />
		</details>
	);
}

function FilterForm({
	action,
	query,
	list,
	search,
	sorts,
	steps,
	money,
}: FiltersProps & {
	sorts: readonly (readonly [string, string])[];
	steps: number[];
	money: (amount: number) => string;
}) {
	return (
		<form class="filters" action={action} method="get" aria-label="Filters">
			{search ? <input type="hidden" name="q" value={query.q ?? ""} /> : null}
			<fieldset>
				<legend>Sort</legend>
				<select name="sort" aria-label="Sort by">
					{sorts.map(([value, label]) => (
						<option value={value} selected={query.sort === value}>
							{label}
						</option>
					))}
				</select>
			</fieldset>
			<fieldset>
				<legend>Price</legend>
				<label>
					From
					<select name="minPrice">
						<option value="">Any</option>
						{steps.map((s) => (
							<option value={String(s)} selected={query.minPrice === s}>
								{money(s)}
							</option>
						))}
					</select>
				</label>
				<label>
					Up to
					<select name="maxPrice">
						<option value="">Any</option>
						{steps.map((s) => (
							<option value={String(s)} selected={query.maxPrice === s}>
								{money(s)}
							</option>
						))}
					</select>
				</label>
			</fieldset>
			<fieldset>
				<legend>Rating</legend>
				<select name="minRating" aria-label="Customer rating">
					<option value="">Any rating</option>
					{[4, 3, 2, 1].map((n) => (
						<option value={String(n)} selected={query.minRating === n}>
							{"★".repeat(n)} & up
						</option>
					))}
				</select>
			</fieldset>
			<fieldset>
				<legend>Availability</legend>
				<label>
					<input type="checkbox" name="inStock" value="true" checked={query.inStock === true} /> In stock only
				</label>
			</fieldset>
			<fieldset>
				<legend>Kind</legend>
				<select name="kind" aria-label="Kind">
					<option value="">All kinds</option>
					{(Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[]).map((k) => (
						<option value={k} selected={query.kind === k}>
							{KIND_LABEL[k]}
						</option>
					))}
				</select>
			</fieldset>
			{list.facets.map((facet) => (
				<fieldset>
					<legend>{facet.name.replaceAll("_", " ")}</legend>
					{facet.values.map((v) => (
						<label>
							<input
								type="checkbox"
								name={`attr.${facet.name}`}
								value={v.value}
								checked={query.attr[facet.name]?.includes(v.value) ?? false}
							/>{" "}
							{v.value} ({v.count})
						</label>
					))}
				</fieldset>
			))}
			<button type="submit">Apply</button>
		</form>
	);
}

export function Pager(props: { first: string | null; next: string | null }) {
	if (!props.first && !props.next) return null;
	return (
		<nav class="pager" aria-label="Pages">
			{props.first ? <a href={props.first}>« First page</a> : null}
			{props.next ? (
				<a href={props.next} rel="next">
					Next page »
				</a>
			) : null}
		</nav>
	);
}
