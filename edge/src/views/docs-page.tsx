import { CSS } from "./styles";

// A readable API reference rendered on the server from the OpenAPI document: no CDN, no script.

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function asObj(x: unknown): Json {
	return x && typeof x === "object" ? (x as Json) : {};
}

function refName(ref: string): string {
	return ref.slice(ref.lastIndexOf("/") + 1);
}

function TypeLabel({ schema }: { schema: unknown }) {
	const s = asObj(schema);
	if (typeof s.$ref === "string") {
		const name = refName(s.$ref);
		return <a href={`#schema-${name}`}>{name}</a>;
	}
	const alts = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
	if (Array.isArray(alts)) {
		return (
			<>
				{alts.map((a, i) => (
					<>
						{i > 0 ? " | " : null}
						<TypeLabel schema={a} />
					</>
				))}
			</>
		);
	}
	if (Array.isArray(s.enum)) return <>{s.enum.map((v) => JSON.stringify(v)).join(" | ")}</>;
	if (s.const !== undefined) return <>{JSON.stringify(s.const)}</>;
	if (s.type === "array") {
		return (
			<>
				array of <TypeLabel schema={s.items} />
			</>
		);
	}
	if (s.type === "object" && s.additionalProperties && !s.properties) {
		return (
			<>
				map of <TypeLabel schema={s.additionalProperties} />
			</>
		);
	}
	return <>{Array.isArray(s.type) ? s.type.join(" | ") : String(s.type ?? "any")}</>;
}

function constraints(schema: unknown): string {
	const s = asObj(schema);
	const out: string[] = [];
	for (const key of ["pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "format"]) {
		if (
			s[key] !== undefined &&
			!(key === "minimum" && Number(s[key]) < -1e15) &&
			!(key === "maximum" && Number(s[key]) > 1e15)
		) {
			out.push(`${key}: ${String(s[key])}`);
		}
	}
	if (s.default !== undefined) out.push(`default: ${JSON.stringify(s.default)}`);
	return out.join(", ");
}

function SchemaTable({ name, schema }: { name: string; schema: Json }) {
	const props = asObj(schema.properties);
	const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
	return (
		<section id={`schema-${name}`}>
			<h3>{name}</h3>
			{Object.keys(props).length === 0 ? (
				<p>
					<TypeLabel schema={schema} />
				</p>
			) : (
				<table>
					<thead>
						<tr>
							<th>Field</th>
							<th>Type</th>
							<th>Required</th>
							<th>Notes</th>
						</tr>
					</thead>
					<tbody>
						{Object.entries(props).map(([field, fs]) => (
							<tr>
								<td>
									<code>{field}</code>
								</td>
								<td>
									<TypeLabel schema={fs} />
								</td>
								<td>{required.has(field) ? "yes" : "no"}</td>
								<td>{[asObj(fs).description, constraints(fs)].filter(Boolean).join(" ")}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
	);
}

function Operation({ method, path, op, schemes }: { method: string; path: string; op: Json; schemes: Json }) {
	const params = Array.isArray(op.parameters) ? (op.parameters as Json[]) : [];
	const body = asObj(asObj(asObj(op.requestBody).content)["application/json"]).schema;
	const responses = Object.entries(asObj(op.responses));
	return (
		<section id={String(op.operationId ?? `${method}-${path}`)}>
			<h3>
				<code>
					{method.toUpperCase()} {path}
				</code>{" "}
				— {String(op.summary ?? "")}
			</h3>
			{op.description ? <p>{String(op.description)}</p> : null}
			{Array.isArray(op.security) ? (
				<>
					{/* An empty requirement ({}) means the operation works without credentials too. */}
					<p>
						{(op.security as Json[]).some((req) => Object.keys(asObj(req)).length === 0)
							? "Works without signing in; a signed-in session, when there is one, is sent as one of:"
							: "Needs a signed-in session, sent as one of:"}
					</p>
					<ul>
						{(op.security as Json[])
							.filter((req) => Object.keys(asObj(req)).length > 0)
							.map((req) => {
								const scheme = asObj(schemes[Object.keys(req)[0] ?? ""]);
								const how = scheme.type === "http" ? "Authorization: Bearer <token>" : `cookie ${String(scheme.name)}`;
								return (
									<li>
										<code>{how}</code> — {String(scheme.description ?? "")}
									</li>
								);
							})}
					</ul>
				</>
			) : null}
			{params.length > 0 ? (
				<table>
					<thead>
						<tr>
							<th>Parameter</th>
							<th>In</th>
							<th>Type</th>
							<th>Required</th>
							<th>Description</th>
						</tr>
					</thead>
					<tbody>
						{params.map((p) => (
							<tr>
								<td>
									<code>{String(p.name)}</code>
								</td>
								<td>{String(p.in)}</td>
								<td>
									<TypeLabel schema={p.schema} />
								</td>
								<td>{p.required ? "yes" : "no"}</td>
								<td>{[String(p.description ?? ""), constraints(p.schema)].filter(Boolean).join(" ")}</td>
							</tr>
						))}
					</tbody>
				</table>
			) : null}
			{body ? (
				<p>
					Body: <TypeLabel schema={body} />
				</p>
			) : null}
			<ul>
				{responses.map(([status, r]) => {
					const content = asObj(asObj(r).content);
					const schema = Object.values(content).map((c) => asObj(c).schema)[0];
					return (
						<li>
							<strong>{status}</strong> {String(asObj(r).description ?? "")}
							{schema ? (
								<>
									{" "}
									→ <TypeLabel schema={schema} />
								</>
							) : null}
						</li>
					);
				})}
			</ul>
		</section>
	);
}

export function DocsPage({ doc }: { doc: Json }) {
	const info = asObj(doc.info);
	const paths = Object.entries(asObj(doc.paths));
	const schemas = Object.entries(asObj(asObj(doc.components).schemas));
	const schemes = asObj(asObj(doc.components).securitySchemes);
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${String(info.title)} · reference`}</title>
				<style dangerouslySetInnerHTML={{ __html: `${CSS}section{margin-bottom:1.5rem}h3 code{font-size:1rem}` }} />
			</head>
			<body>
				<header>
					<a class="logo" href="/">
						Bazaar
					</a>
					<span>API reference</span>
				</header>
				<main>
					<h1>{String(info.title)}</h1>
					<p>
						Version {String(info.version)}. {String(info.description ?? "")} Machine-readable:{" "}
						<a href="/openapi.json">/openapi.json</a> (OpenAPI {String(doc.openapi)}).
					</p>
					<h2>Operations</h2>
					<ul>
						{paths.flatMap(([path, item]) =>
							METHODS.filter((m) => asObj(item)[m]).map((m) => {
								const op = asObj(asObj(item)[m]);
								return (
									<li>
										<a href={`#${String(op.operationId ?? `${m}-${path}`)}`}>
											{m.toUpperCase()} {path}
										</a>{" "}
										{String(op.summary ?? "")}
									</li>
								);
							}),
						)}
					</ul>
					{paths.flatMap(([path, item]) =>
						METHODS.filter((m) => asObj(item)[m]).map((m) => (
							<Operation method={m} path={path} op={asObj(asObj(item)[m])} schemes={schemes} />
						)),
					)}
					<h2>Schemas</h2>
					{schemas.map(([name, schema]) => (
						<SchemaTable name={name} schema={asObj(schema)} />
					))}
				</main>
			</body>
		</html>
	);
}
