import type { Category } from "@bazaar/contracts";
import type { Fields } from "../console/product-form";
import { Csrf, Done, type FormMessage, Message } from "./account-pages";
import { ConsoleLayout } from "./console-layout";

export function CategoriesPage(props: {
	roles: readonly string[];
	csrf: string;
	categories: Category[];
	values: Fields;
	message?: FormMessage | undefined;
	done?: string | undefined;
}) {
	const top = props.categories.filter((c) => c.parentId === null);
	const children = (id: string) => props.categories.filter((c) => c.parentId === id);
	return (
		<ConsoleLayout title="Categories" roles={props.roles} csrf={props.csrf} current="catalog">
			<h1>Categories</h1>
			<p>
				<a href="/admin/products">Products</a>
			</p>
			<Done text={props.done} />
			<Message message={props.message} />
			<ul>
				{top.map((c) => (
					<li>
						{c.name} <small>({c.productCount})</small>
						{children(c.id).length > 0 ? (
							<ul>
								{children(c.id).map((k) => (
									<li>
										{k.name} <small>({k.productCount})</small>
									</li>
								))}
							</ul>
						) : null}
					</li>
				))}
			</ul>
			<form method="post" action="/admin/categories" class="row">
				<Csrf token={props.csrf} />
				<label>
					Name <input name="name" required maxlength={200} value={props.values.name ?? ""} />
				</label>
				<label>
					Address (slug) <input name="slug" value={props.values.slug ?? ""} />
				</label>
				<label>
					Inside
					<select name="parentId">
						<option value="">(top level)</option>
						{top.map((c) => (
							<option value={c.id} selected={props.values.parentId === c.id}>
								{c.name}
							</option>
						))}
					</select>
				</label>
				<button type="submit">Add category</button>
			</form>
		</ConsoleLayout>
	);
}
