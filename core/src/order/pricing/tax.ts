// Sales tax / VAT by destination, in basis points (1/100 of a percent), applied to the goods and
// the shipping together. A region (US state, Canadian province) overrides its country's rate.
// Prices are tax-exclusive here; the tax is added on top and shown as its own line.

/** Country rates: EU VAT standard rates, GB, and a few others. Unlisted countries: 0. */
export const COUNTRY_TAX_BP: Record<string, number> = {
	AT: 2000,
	BE: 2100,
	BG: 2000,
	HR: 2500,
	CY: 1900,
	CZ: 2100,
	DK: 2500,
	EE: 2200,
	FI: 2550,
	FR: 2000,
	DE: 1900,
	GR: 2400,
	HU: 2700,
	IE: 2300,
	IT: 2200,
	LV: 2100,
	LT: 2100,
	LU: 1700,
	MT: 1800,
	NL: 2100,
	PL: 2300,
	PT: 2300,
	RO: 1900,
	SK: 2300,
	SI: 2200,
	ES: 2100,
	SE: 2500,
	GB: 2000,
	NO: 2500,
	CH: 810,
	JP: 1000,
	AU: 1000,
	NZ: 1500,
	CN: 1300,
	CA: 500,
	US: 0,
};

/** Region rates (state-level base rates; local add-ons are out of scope). */
export const REGION_TAX_BP: Record<string, Record<string, number>> = {
	US: {
		CA: 725,
		NY: 400,
		TX: 625,
		WA: 650,
		FL: 600,
		IL: 625,
		MA: 625,
		NJ: 663,
		PA: 600,
		OR: 0,
		MT: 0,
		NH: 0,
		DE: 0,
		AK: 0,
	},
	CA: { ON: 1300, NS: 1500, NB: 1500, NL: 1500, PE: 1500, QC: 1498, BC: 1200, MB: 1200, SK: 1100, AB: 500 },
};

export function taxRateBp(country: string, region?: string | null): number {
	const regional = region ? REGION_TAX_BP[country]?.[region] : undefined;
	return regional ?? COUNTRY_TAX_BP[country] ?? 0;
}

/** Tax on an amount, rounded half away from zero, in integers only. */
export function taxOn(amount: number, basisPoints: number): number {
	if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`bad taxable amount ${amount}`);
	// amount * bp stays far below 2^53 for every order this module accepts.
	return Math.floor((amount * basisPoints + 5_000) / 10_000);
}
