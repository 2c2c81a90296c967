import type { Category, Problem } from "@bazaar/contracts";
import { Layout } from "./layout";

const HEADLINES: Record<number, string> = {
	400: "That filter does not make sense",
	404: "We could not find that page",
	502: "The shop is having trouble",
	503: "The shop is busy",
};

export function ErrorPage({ problem, categories }: { problem: Problem; categories?: Category[] }) {
	const headline = HEADLINES[problem.status] ?? problem.title;
	return (
		<Layout title={headline} categories={categories}>
			<h1>{headline}</h1>
			{problem.detail ? <p>{problem.detail}</p> : null}
			{problem.errors?.length ? (
				<ul>
					{problem.errors.map((e) => (
						<li>
							<code>{e.path}</code>: {e.message}
						</li>
					))}
				</ul>
			) : null}
			<p>
				<a href="/">Back to the shop</a>
			</p>
		</Layout>
	);
}
