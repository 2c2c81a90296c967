import type { Role } from "@bazaar/contracts/identity";
import { STAFF_ROLES } from "../middleware/admin-auth";

// Which staff role sees which part of the console. This decides what the navigation shows and
// which pages answer 403 before anything is asked of the admin API; the core still checks every
// call it is sent (the console reaches it only through the admin API, as curl does).

export const SECTIONS = [
	"dashboard",
	"catalog",
	"stock",
	"orders",
	"customers",
	"promotions",
	"reviews",
	"operations",
] as const;
export type Section = (typeof SECTIONS)[number];

const ALL_STAFF = STAFF_ROLES as readonly string[];

const ACCESS: Record<Section, { read: readonly string[]; write: readonly string[] }> = {
	dashboard: { read: ALL_STAFF, write: [] },
	catalog: { read: ["admin", "catalog_manager"], write: ["admin", "catalog_manager"] },
	stock: { read: ["admin", "catalog_manager"], write: ["admin", "catalog_manager"] },
	/** Support agents look orders and customers up to answer shoppers; changing them is an admin's. */
	orders: { read: ["admin", "support_agent"], write: ["admin"] },
	customers: { read: ["admin", "support_agent"], write: ["admin"] },
	promotions: { read: ["admin", "catalog_manager"], write: ["admin", "catalog_manager"] },
	reviews: { read: ["admin", "moderator"], write: ["admin", "moderator"] },
	/** Dead letters, payment reconciliation. */
	operations: { read: ["admin"], write: ["admin"] },
};

/** The chat console (/support) is its own app; the console links to it for these roles. */
export const SUPPORT_CHAT_ROLES: readonly string[] = ["admin", "support_agent"];

const holds = (roles: readonly string[], allowed: readonly string[]) => roles.some((r) => allowed.includes(r));

export const isStaff = (roles: readonly string[]) => holds(roles, ALL_STAFF);
export const canRead = (roles: readonly string[], section: Section) => holds(roles, ACCESS[section].read);
export const canWrite = (roles: readonly string[], section: Section) => holds(roles, ACCESS[section].write);
export const sectionsFor = (roles: readonly string[]) => SECTIONS.filter((s) => canRead(roles, s));
export type { Role };
