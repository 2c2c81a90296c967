import { type Catalog, readVersion } from "./context";

/** The monotonic catalog version (bumped by every write transaction). */
export async function catalogVersion(catalog: Catalog): Promise<{ version: number }> {
	return { version: await readVersion(catalog) };
}
