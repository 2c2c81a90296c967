import { ConsoleLayout } from "./console-layout";

export interface DashboardTiles {
	lowStock?: { sku: string; warehouse: string; available: number }[];
	deadLetters?: number;
}

export function DashboardPage(props: { roles: readonly string[]; csrf: string; tiles: DashboardTiles }) {
	const t = props.tiles;
	return (
		<ConsoleLayout title="Dashboard" roles={props.roles} csrf={props.csrf} current="dashboard">
			<h1>Dashboard</h1>
			<ul class="tiles">
				{t.deadLetters !== undefined ? (
					<li>
						<span class="figure" data-testid="dead-letters">
							{t.deadLetters}
						</span>
						<a href="/admin/operations">Dead letters</a>
					</li>
				) : null}
				{t.lowStock !== undefined ? (
					<li>
						<span class="figure" data-testid="low-stock">
							{t.lowStock.length}
						</span>
						<a href="#low-stock">SKUs low on stock</a>
					</li>
				) : null}
			</ul>
			{t.lowStock && t.lowStock.length > 0 ? (
				<section aria-labelledby="low-stock">
					<h2 id="low-stock">Low stock</h2>
					<table>
						<thead>
							<tr>
								<th scope="col">SKU</th>
								<th scope="col">Warehouse</th>
								<th scope="col" class="num">
									Available
								</th>
							</tr>
						</thead>
						<tbody>
							{t.lowStock.slice(0, 50).map((r) => (
								<tr>
									<td>
										<a href={`/admin/stock/${encodeURIComponent(r.sku)}`}>{r.sku}</a>
									</td>
									<td>{r.warehouse}</td>
									<td class="num low">{r.available}</td>
								</tr>
							))}
						</tbody>
					</table>
				</section>
			) : null}
		</ConsoleLayout>
	);
}
