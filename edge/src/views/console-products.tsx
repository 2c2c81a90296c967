import type { Category, Product } from "@bazaar/contracts";
import { SUPPORTED_CURRENCIES } from "@bazaar/money";
import { type Fields, variantValues } from "../console/product-form";
import { imageSource, imageUrl } from "../lib/images";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";

// The catalog's forms. Field names are what console/product-form.ts reads.

type Staff = { roles: readonly string[]; csrf: string };

function Field(props: {
	v: Fields;
	name: string;
	label: string;
	type?: string;
	required?: boolean;
	hint?: string;
	inputmode?: "decimal" | "numeric";
}) {
	return (
		<label>
			{props.label}
			{props.hint ? <small> ({props.hint})</small> : null}
			<input
				name={props.name}
				type={props.type ?? "text"}
				value={props.v[props.name] ?? ""}
				required={props.required}
				inputmode={props.inputmode}
			/>
		</label>
	);
}

function Select(props: { v: Fields; name: string; label: string; options: [string, string][] }) {
	const current = props.v[props.name] ?? "";
	return (
		<label>
			{props.label}
			<select name={props.name}>
				{props.options.map(([value, text]) => (
					<option value={value} selected={value === current}>
						{text}
					</option>
				))}
			</select>
		</label>
	);
}

function CategorySelect({ v, categories }: { v: Fields; categories: Category[] }) {
	const byId = new Map(categories.map((c) => [c.id, c]));
	const path = (c: Category): string => {
		const parent = c.parentId ? byId.get(c.parentId) : undefined;
		return parent ? `${path(parent)} › ${c.name}` : c.name;
	};
	const options = categories.map((c) => [c.id, path(c)] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
	return <Select v={v} name="categoryId" label="Category" options={options} />;
}

function ProductFields(props: { v: Fields; categories: Category[]; kindFixed?: boolean }) {
	const v = props.v;
	return (
		<>
			<fieldset>
				<legend>Product</legend>
				<div class="fields">
					{props.kindFixed ? (
						<p>
							Kind: <strong>{v.kind}</strong>
						</p>
					) : (
						<Select
							v={v}
							name="kind"
							label="Kind"
							options={[
								["physical", "Physical goods"],
								["digital", "Digital goods"],
								["service", "Service"],
							]}
						/>
					)}
					<Field v={v} name="title" label="Title" required />
					<Field v={v} name="slug" label="Address (slug)" hint="made from the title when empty" />
					<Field v={v} name="brand" label="Brand" />
					<CategorySelect v={v} categories={props.categories} />
					<Select
						v={v}
						name="status"
						label="Status"
						options={[
							["active", "Active (on sale)"],
							["draft", "Draft (hidden)"],
							["archived", "Archived"],
						]}
					/>
				</div>
				<label class="block">
					Description
					<textarea name="description">{v.description ?? ""}</textarea>
				</label>
				<label class="block">
					Attributes <small>(one per line: colour: red, blue)</small>
					<textarea name="attributes">{v.attributes ?? ""}</textarea>
				</label>
			</fieldset>
			<fieldset>
				<legend>Digital goods only</legend>
				<div class="fields">
					<Field v={v} name="digital.format" label="Format" hint="e.g. PDF" />
					<Field v={v} name="digital.sizeBytes" label="Size in bytes" inputmode="numeric" />
					<Select
						v={v}
						name="digital.delivery"
						label="Delivery"
						options={[
							["download", "Download"],
							["license_key", "License key"],
						]}
					/>
				</div>
			</fieldset>
			<fieldset>
				<legend>Services only</legend>
				<div class="fields">
					<Field v={v} name="service.durationMinutes" label="Duration in minutes" inputmode="numeric" />
					<Select
						v={v}
						name="service.billing"
						label="Billing"
						options={[
							["one_time", "Once"],
							["monthly", "Monthly"],
							["yearly", "Yearly"],
						]}
					/>
					<Select
						v={v}
						name="service.booking"
						label="Booking"
						options={[
							["none", "Bought like goods"],
							["appointment", "Per time slot"],
						]}
					/>
					<Field
						v={v}
						name="service.cancelCutoffHours"
						label="Shoppers may move or cancel a booking until this many hours before it (empty: 24)"
						inputmode="numeric"
					/>
				</div>
			</fieldset>
		</>
	);
}

function VariantFields(props: { v: Fields; withSku: boolean; withInStock?: boolean; legend: string }) {
	const v = props.v;
	return (
		<fieldset>
			<legend>{props.legend}</legend>
			<div class="fields">
				{props.withSku ? <Field v={v} name="variant.sku" label="SKU" required /> : null}
				<Field v={v} name="variant.title" label="Variant title" hint="e.g. Large / Red" />
				<Field v={v} name="variant.weightGrams" label="Weight in grams" inputmode="numeric" />
				{SUPPORTED_CURRENCIES.map((cur) => (
					<Field v={v} name={`price.${cur}`} label={`Price in ${cur}`} inputmode="decimal" />
				))}
			</div>
			<label class="block">
				Options <small>(one per line: Size: L)</small>
				<textarea name="variant.options">{v["variant.options"] ?? ""}</textarea>
			</label>
			{props.withInStock ? (
				<label>
					<input type="checkbox" name="variant.inStock" checked={v["variant.inStock"] === "on"} /> On sale (shown as in
					stock when units are available)
				</label>
			) : null}
		</fieldset>
	);
}

export function ProductNewPage(
	props: Staff & { categories: Category[]; values: Fields; message?: FormMessage | undefined },
) {
	return (
		<ConsoleLayout title="New product" roles={props.roles} csrf={props.csrf} current="catalog">
			<h1>New product</h1>
			<Message message={props.message} />
			<form method="post" action="/admin/products/new">
				<Csrf token={props.csrf} />
				<ProductFields v={props.values} categories={props.categories} />
				<VariantFields v={props.values} withSku legend="First variant" />
				<button type="submit" class="primary">
					Create product
				</button>
			</form>
		</ConsoleLayout>
	);
}

export function ProductEditPage(
	props: Staff & {
		product: Product;
		categories: Category[];
		values: Fields;
		message?: FormMessage | undefined;
		done?: string | undefined;
	},
) {
	const p = props.product;
	const base = `/admin/products/${p.id}`;
	return (
		<ConsoleLayout title={`Edit ${p.title}`} roles={props.roles} csrf={props.csrf} current="catalog">
			<h1>{p.title}</h1>
			<p>
				<span class="tag">{p.status}</span> {p.kind} · <a href={`/products/${p.slug}`}>View in the shop</a>
			</p>
			<Done text={props.done} />
			<Message message={props.message} />
			<form method="post" action={base}>
				<Csrf token={props.csrf} />
				<ProductFields v={props.values} categories={props.categories} kindFixed />
				<button type="submit" class="primary">
					Save product
				</button>
			</form>

			<h2 id="variants">Variants</h2>
			{p.variants.map((variant) => (
				<form method="post" action={`${base}/variants/${variant.id}`}>
					<Csrf token={props.csrf} />
					<VariantFields
						v={variantValues(variant)}
						withSku={false}
						withInStock
						legend={`${variant.sku} — ${variant.title}`}
					/>
					<div class="actions">
						<button type="submit">Save variant</button>
						<a href={`/admin/stock/${encodeURIComponent(variant.sku)}`}>Stock of {variant.sku}</a>
					</div>
				</form>
			))}
			<form method="post" action={`${base}/variants`}>
				<Csrf token={props.csrf} />
				<VariantFields v={{}} withSku legend="Add a variant" />
				<button type="submit">Add variant</button>
			</form>

			<h2 id="images">Images</h2>
			{p.images.length > 0 ? (
				<ul class="images">
					{p.images.map((img) => {
						const thumb = imageSource(img, "thumb");
						return (
							<li>
								<img src={imageUrl(thumb)} alt={img.alt} width={thumb.width} height={thumb.height} />
							</li>
						);
					})}
				</ul>
			) : (
				<p>No images yet.</p>
			)}
			<form method="post" action={`${base}/images`} enctype="multipart/form-data">
				<Csrf token={props.csrf} />
				<fieldset>
					<legend>Add an image</legend>
					<label class="block">
						PNG file <input type="file" name="image" accept="image/png" required data-preview="image-preview" />
					</label>
					<img id="image-preview" class="preview" alt="Preview of the chosen file" hidden />
					<label class="block">
						Description for people who cannot see it <input name="alt" required maxlength={300} />
					</label>
				</fieldset>
				<button type="submit">Upload image</button>
			</form>

			{p.status !== "archived" ? (
				<>
					<h2 id="archive">Archive</h2>
					<form method="post" action={`${base}/archive`} data-confirm={`Archive ${p.title}? It leaves the shop.`}>
						<Csrf token={props.csrf} />
						<p>An archived product leaves the shop; orders that hold it keep it.</p>
						<button type="submit" class="danger">
							Archive product
						</button>
					</form>
				</>
			) : null}
		</ConsoleLayout>
	);
}
