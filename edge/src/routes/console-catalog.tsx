import { CategoryList, Product } from "@bazaar/contracts";
import { Hono } from "hono";
import { z } from "zod";
import { adminCall } from "../console/admin-call";
import { consolePage, doneText, failedRead, gate, messageOf, refusal, staff } from "../console/page";
import {
	type Fields,
	productInputFrom,
	productPatchFrom,
	productValues,
	variantInputFrom,
	variantPatchFrom,
} from "../console/product-form";
import type { AppContext, AppEnv } from "../env";
import { anonymousCaller, callCore } from "../lib/core-call";
import { checkedForm } from "../lib/forms";
import { personalCsp, seeOther } from "../lib/personal-page";
import type { FormMessage } from "../views/account-pages";
import { CategoriesPage } from "../views/console-categories";
import { ProductEditPage, ProductNewPage } from "../views/console-products";

// Catalog pages: create and edit products of every kind, their variants, prices and images,
// archive them; and the categories. Each form becomes one admin API call.

export const consoleCatalog = new Hono<AppEnv>();

/** The edit page previews a chosen image from a blob: URL (console.js); nothing else is widened. */
const EDIT_CSP = { "content-security-policy": personalCsp({ "img-src": ["blob:"] }) };

const DONE: Record<string, string> = {
	created: "The product was created.",
	saved: "The product was saved.",
	variant: "The variant was saved.",
	"variant-added": "The variant was added.",
	image: "The image was added.",
	archived: "The product was archived.",
};

/** The category tree is the public catalog's (nothing staff-only in it). */
async function categories(c: AppContext) {
	const answer = await callCore(c.env, CategoryList, "GET", "/catalog/categories", anonymousCaller(c.req.raw));
	return answer.ok ? answer.value.items : [];
}

consoleCatalog.get("/products/new", async (c) => {
	const denied = gate(c, "catalog", "write");
	if (denied) return denied;
	return renderNew(c, 200, { kind: "physical", status: "active" });
});

async function renderNew(c: AppContext, status: number, values: Fields, message?: FormMessage) {
	const s = staff(c);
	const page = (
		<ProductNewPage roles={s.roles} csrf={s.csrf} categories={await categories(c)} values={values} message={message} />
	);
	return consolePage(c, status, page);
}

consoleCatalog.post("/products/new", async (c) => {
	const denied = gate(c, "catalog", "write");
	if (denied) return denied;
	const fields = await checkedForm(c);
	if (fields instanceof Response) return fields;
	const input = productInputFrom(fields);
	if (!input.ok) return renderNew(c, 422, fields, input.message);
	const answer = await adminCall(c, Product, "POST", "/catalog/products", input.value);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderNew(c, r.status, fields, r.message);
	}
	return seeOther(c, `/admin/products/${answer.value.id}?done=created`);
});

const productPath = (id: string) => `/catalog/products/${encodeURIComponent(id)}`;

async function renderEdit(
	c: AppContext,
	id: string,
	status: number,
	extra: { values?: Fields; message?: FormMessage } = {},
) {
	const answer = await adminCall(c, Product, "GET", productPath(id));
	if (!answer.ok) return failedRead(c, answer, "catalog");
	const s = staff(c);
	const page = (
		<ProductEditPage
			roles={s.roles}
			csrf={s.csrf}
			product={answer.value}
			categories={await categories(c)}
			values={extra.values ?? productValues(answer.value)}
			message={extra.message}
			done={doneText(c, DONE)}
		/>
	);
	return consolePage(c, status, page, EDIT_CSP);
}

consoleCatalog.get("/products/:id", async (c) => {
	const denied = gate(c, "catalog");
	if (denied) return denied;
	return renderEdit(c, c.req.param("id"), 200);
});

/** A catalog form's common start: the write gate and the checked form (CSRF, origin). */
async function catalogForm(c: AppContext): Promise<Fields | Response> {
	const denied = gate(c, "catalog", "write");
	if (denied) return denied;
	return checkedForm(c);
}

consoleCatalog.post("/products/:id", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const current = await adminCall(c, Product, "GET", productPath(id));
	if (!current.ok) return failedRead(c, current, "catalog");
	const patch = productPatchFrom(fields, current.value.kind);
	if (!patch.ok)
		return renderEdit(c, id, 422, { values: { ...fields, kind: current.value.kind }, message: patch.message });
	const answer = await adminCall(c, Product, "PATCH", productPath(id), patch.value);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderEdit(c, id, r.status, { values: { ...fields, kind: current.value.kind }, message: r.message });
	}
	return seeOther(c, `/admin/products/${id}?done=saved`);
});

consoleCatalog.post("/products/:id/variants", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const input = variantInputFrom(fields);
	if (!input.ok) return renderEdit(c, id, 422, { message: input.message });
	const answer = await adminCall(c, z.unknown(), "POST", `${productPath(id)}/variants`, input.value);
	if (!answer.ok) return renderEdit(c, id, refusal(answer).status, { message: messageOf(answer.problem) });
	return seeOther(c, `/admin/products/${id}?done=variant-added#variants`);
});

consoleCatalog.post("/products/:id/variants/:variant", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const patch = variantPatchFrom(fields);
	if (!patch.ok) return renderEdit(c, id, 422, { message: patch.message });
	const path = `/catalog/variants/${encodeURIComponent(c.req.param("variant"))}`;
	const answer = await adminCall(c, z.unknown(), "PATCH", path, patch.value);
	if (!answer.ok) return renderEdit(c, id, refusal(answer).status, { message: messageOf(answer.problem) });
	return seeOther(c, `/admin/products/${id}?done=variant#variants`);
});

consoleCatalog.post("/products/:id/images", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	// checkedForm read the body as form data; Hono hands back the same parse for the file.
	const file = (await c.req.formData()).get("image");
	if (!(file instanceof File) || file.size === 0) {
		return renderEdit(c, id, 422, { message: { text: "Choose a PNG file to upload." } });
	}
	const body = { alt: (fields.alt ?? "").trim(), pngBase64: base64(new Uint8Array(await file.arrayBuffer())) };
	const answer = await adminCall(c, z.unknown(), "POST", `${productPath(id)}/images`, body);
	if (!answer.ok) return renderEdit(c, id, refusal(answer).status, { message: messageOf(answer.problem) });
	return seeOther(c, `/admin/products/${id}?done=image#images`);
});

consoleCatalog.post("/products/:id/archive", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const id = c.req.param("id");
	const answer = await adminCall(c, z.unknown(), "POST", `${productPath(id)}/archive`);
	if (!answer.ok) return renderEdit(c, id, refusal(answer).status, { message: messageOf(answer.problem) });
	return seeOther(c, `/admin/products/${id}?done=archived`);
});

function base64(bytes: Uint8Array): string {
	let binary = "";
	// In slices: String.fromCharCode with millions of arguments overflows the stack.
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary);
}

// ---- categories --------------------------------------------------------------------------------

consoleCatalog.get("/categories", async (c) => {
	const denied = gate(c, "catalog");
	if (denied) return denied;
	return renderCategories(c, 200);
});

async function renderCategories(c: AppContext, status: number, values: Fields = {}, message?: FormMessage) {
	const s = staff(c);
	const page = (
		<CategoriesPage
			roles={s.roles}
			csrf={s.csrf}
			categories={await categories(c)}
			values={values}
			message={message}
			done={c.req.query("done") === "created" ? "The category was created." : undefined}
		/>
	);
	return consolePage(c, status, page);
}

consoleCatalog.post("/categories", async (c) => {
	const fields = await catalogForm(c);
	if (fields instanceof Response) return fields;
	const body = {
		name: (fields.name ?? "").trim(),
		...(fields.slug?.trim() ? { slug: fields.slug.trim() } : {}),
		parentId: fields.parentId || null,
	};
	const answer = await adminCall(c, z.unknown(), "POST", "/catalog/categories", body);
	if (!answer.ok) {
		const r = refusal(answer);
		return renderCategories(c, r.status, fields, r.message);
	}
	return seeOther(c, "/admin/categories?done=created");
});
