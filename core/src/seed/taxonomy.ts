// The demo catalog's shape: top-level departments, their subcategories, and for each
// subcategory what its products look like (kind, names, brands, attributes, variant axes,
// prices). The generator in catalog-seed.ts turns these into products.

export interface Axis {
	name: string;
	values: readonly string[];
	/** How many values a product offers, [min, max]. */
	pick: readonly [number, number];
}

export interface Tier {
	label: string;
	/** Price multiplier over the base price, in percent. */
	pct: number;
}

export type VariantScheme =
	| { type: "single" }
	| { type: "matrix"; axes: readonly Axis[] }
	| { type: "tiers"; name: string; tiers: readonly Tier[] };

export interface Leaf {
	slug: string;
	name: string;
	kind: "physical" | "digital" | "service";
	nouns: readonly string[];
	adjectives: readonly string[];
	brands: readonly string[];
	/** Base price range in USD cents. */
	price: readonly [number, number];
	variants: VariantScheme;
	/** Attribute name → possible values; a product gets one value (or a few for lists). */
	attributes: Readonly<Record<string, readonly string[]>>;
	features: readonly string[];
	weight?: readonly [number, number];
	digital?: { formats: readonly string[]; delivery: "download" | "license_key"; mb: readonly [number, number] };
	service?: {
		durations: readonly (number | null)[];
		billing: "one_time" | "monthly" | "yearly";
		booking: "appointment" | "none";
	};
}

export interface Department {
	slug: string;
	name: string;
	description: string;
	leaves: readonly Leaf[];
}

const COLOURS = [
	"black",
	"white",
	"navy",
	"grey",
	"red",
	"green",
	"blue",
	"beige",
	"olive",
	"burgundy",
	"pink",
	"yellow",
];
const APPAREL_SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const SHOE_SIZES = ["36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46"];
const TECH_COLOURS = ["black", "white", "silver", "blue", "graphite", "green"];

export const DEPARTMENTS: readonly Department[] = [
	{
		slug: "electronics",
		name: "Electronics",
		description: "Headphones, phones, computers and cameras.",
		leaves: [
			{
				slug: "audio",
				name: "Audio",
				kind: "physical",
				nouns: ["Wireless Headphones", "Earbuds", "Bluetooth Speaker", "Soundbar", "Studio Monitors", "Turntable"],
				adjectives: ["Noise-Cancelling", "Compact", "Studio", "Portable", "Bass-Boost", "Hi-Fi"],
				brands: ["Sonora", "Nordvik", "Aurelia Audio", "Kestrel", "Bassline"],
				price: [2_900, 39_900],
				variants: { type: "matrix", axes: [{ name: "colour", values: TECH_COLOURS, pick: [1, 3] }] },
				attributes: { connectivity: ["bluetooth", "wired", "wifi"], battery_life: ["10h", "20h", "30h", "40h"] },
				features: ["active noise cancellation", "a 40 mm driver", "USB-C fast charging", "multipoint pairing"],
				weight: [150, 4_000],
			},
			{
				slug: "phones-accessories",
				name: "Phones & Accessories",
				kind: "physical",
				nouns: ["Smartphone", "Phone Case", "Wireless Charger", "Power Bank", "Screen Protector", "Car Mount"],
				adjectives: ["Slim", "Rugged", "MagSafe", "Ultra", "Pro", "Fast-Charge"],
				brands: ["Lumio", "Voltix", "Cobalt Mobile", "Arcwave"],
				price: [1_200, 89_900],
				variants: {
					type: "matrix",
					axes: [
						{ name: "colour", values: TECH_COLOURS, pick: [1, 3] },
						{ name: "storage", values: ["64 GB", "128 GB", "256 GB"], pick: [1, 2] },
					],
				},
				attributes: {
					material: ["aluminium", "silicone", "polycarbonate", "glass"],
					connectivity: ["usb-c", "wireless", "5g"],
				},
				features: ["a 6.1-inch OLED display", "15 W wireless charging", "drop protection", "a 5,000 mAh cell"],
				weight: [30, 400],
			},
			{
				slug: "computers",
				name: "Computers",
				kind: "physical",
				nouns: ["Laptop", "Mechanical Keyboard", "Wireless Mouse", "27-inch Monitor", "USB-C Hub", "Webcam"],
				adjectives: ["Ergonomic", "Ultralight", "Gaming", "Creator", "Silent", "4K"],
				brands: ["Keystone", "Pixelforge", "Northbyte", "Quanta Labs"],
				price: [1_900, 199_900],
				variants: { type: "matrix", axes: [{ name: "colour", values: ["black", "white", "silver"], pick: [1, 2] }] },
				attributes: { connectivity: ["usb-c", "bluetooth", "wired"], material: ["aluminium", "plastic"] },
				features: ["hot-swappable switches", "a 120 Hz panel", "all-day battery", "plug-and-play setup"],
				weight: [80, 2_500],
			},
			{
				slug: "cameras",
				name: "Cameras",
				kind: "physical",
				nouns: ["Mirrorless Camera", "Action Camera", "Instant Camera", "Camera Tripod", "Prime Lens"],
				adjectives: ["Full-Frame", "Waterproof", "Retro", "Travel", "Stabilised"],
				brands: ["Opticon", "Halide Works", "Fotomatic"],
				price: [4_900, 249_900],
				variants: { type: "single" },
				attributes: {
					resolution: ["12 MP", "24 MP", "33 MP", "45 MP"],
					material: ["magnesium", "aluminium", "plastic"],
				},
				features: ["5-axis stabilisation", "4K video at 60 fps", "weather sealing", "a fast autofocus"],
				weight: [120, 1_800],
			},
		],
	},
	{
		slug: "fashion",
		name: "Fashion",
		description: "Clothing, shoes and accessories for every day.",
		leaves: [
			{
				slug: "tops",
				name: "Tops & T-Shirts",
				kind: "physical",
				nouns: ["T-Shirt", "Oxford Shirt", "Hoodie", "Knit Sweater", "Polo Shirt", "Linen Shirt"],
				adjectives: ["Organic Cotton", "Relaxed", "Slim-Fit", "Merino", "Heavyweight", "Classic"],
				brands: ["Fjordline", "Common Thread", "Atelier Nine", "Marlow & Co"],
				price: [1_500, 12_900],
				variants: {
					type: "matrix",
					axes: [
						{ name: "size", values: APPAREL_SIZES, pick: [3, 6] },
						{ name: "colour", values: COLOURS, pick: [1, 3] },
					],
				},
				attributes: {
					material: ["cotton", "merino wool", "linen", "recycled polyester"],
					fit: ["regular", "slim", "relaxed"],
				},
				features: ["a soft brushed finish", "reinforced seams", "a tagless collar", "fabric that keeps its shape"],
				weight: [150, 600],
			},
			{
				slug: "trousers-jeans",
				name: "Trousers & Jeans",
				kind: "physical",
				nouns: ["Jeans", "Chinos", "Cargo Trousers", "Joggers", "Tailored Trousers"],
				adjectives: ["Straight", "Tapered", "Stretch", "Selvedge", "Wide-Leg"],
				brands: ["Common Thread", "Indigo Mill", "Marlow & Co"],
				price: [3_900, 16_900],
				variants: {
					type: "matrix",
					axes: [
						{ name: "size", values: ["28", "30", "32", "34", "36", "38"], pick: [3, 6] },
						{ name: "colour", values: ["indigo", "black", "stone", "olive", "navy"], pick: [1, 2] },
					],
				},
				attributes: { material: ["denim", "cotton twill", "wool blend"], fit: ["regular", "slim", "relaxed"] },
				features: ["a button fly", "deep pockets", "a touch of stretch", "a raw hem"],
				weight: [300, 900],
			},
			{
				slug: "shoes",
				name: "Shoes",
				kind: "physical",
				nouns: ["Running Shoes", "Leather Sneakers", "Chelsea Boots", "Trail Runners", "Loafers", "Sandals"],
				adjectives: ["Lightweight", "Waterproof", "Cushioned", "Handmade", "Minimal"],
				brands: ["Stride", "Northpath", "Calder", "Veloce"],
				price: [4_900, 24_900],
				variants: {
					type: "matrix",
					axes: [
						{ name: "size", values: SHOE_SIZES, pick: [4, 8] },
						{ name: "colour", values: ["black", "white", "brown", "grey", "navy"], pick: [1, 2] },
					],
				},
				attributes: { material: ["leather", "suede", "mesh", "canvas"], sole: ["rubber", "eva foam", "vibram"] },
				features: ["a grippy outsole", "a removable insole", "breathable uppers", "a padded heel"],
				weight: [400, 1_400],
			},
			{
				slug: "bags-accessories",
				name: "Bags & Accessories",
				kind: "physical",
				nouns: ["Backpack", "Tote Bag", "Leather Wallet", "Wool Scarf", "Baseball Cap", "Belt"],
				adjectives: ["Everyday", "Weekender", "Minimalist", "Vintage", "Travel"],
				brands: ["Atelier Nine", "Fjordline", "Hartwell"],
				price: [1_900, 29_900],
				variants: { type: "matrix", axes: [{ name: "colour", values: COLOURS, pick: [1, 4] }] },
				attributes: { material: ["leather", "canvas", "wool", "recycled nylon"] },
				features: ["a laptop sleeve", "YKK zips", "vegetable-tanned leather", "a lifetime guarantee"],
				weight: [80, 1_500],
			},
		],
	},
	{
		slug: "home-kitchen",
		name: "Home & Kitchen",
		description: "Cookware, furniture, bedding and decor.",
		leaves: [
			{
				slug: "cookware",
				name: "Cookware",
				kind: "physical",
				nouns: ["Cast Iron Skillet", "Chef's Knife", "Dutch Oven", "Saucepan Set", "Espresso Maker", "Cutting Board"],
				adjectives: ["Enamelled", "Non-Stick", "Professional", "Carbon Steel", "Induction-Ready"],
				brands: ["Hearth & Co", "Ferro", "Kōbō", "Maison Lyre"],
				price: [1_900, 39_900],
				variants: {
					type: "matrix",
					axes: [{ name: "size", values: ["20 cm", "24 cm", "28 cm", "32 cm"], pick: [1, 3] }],
				},
				attributes: { material: ["cast iron", "stainless steel", "carbon steel", "ceramic", "walnut"] },
				features: ["even heat distribution", "an oven-safe handle", "a lifetime warranty", "dishwasher-safe parts"],
				weight: [300, 6_000],
			},
			{
				slug: "furniture",
				name: "Furniture",
				kind: "physical",
				nouns: ["Lounge Chair", "Oak Desk", "Bookshelf", "Side Table", "Sofa", "Bar Stool"],
				adjectives: ["Mid-Century", "Scandinavian", "Modular", "Solid Oak", "Compact"],
				brands: ["Holm", "Nordvik Home", "Arbor", "Linden"],
				price: [4_900, 149_900],
				variants: {
					type: "matrix",
					axes: [{ name: "colour", values: ["oak", "walnut", "black", "white", "grey"], pick: [1, 3] }],
				},
				attributes: { material: ["oak", "walnut", "steel", "rattan", "linen"], assembly: ["required", "not required"] },
				features: ["FSC-certified wood", "tool-free assembly", "stain-resistant fabric", "adjustable feet"],
				weight: [2_000, 60_000],
			},
			{
				slug: "bedding",
				name: "Bedding",
				kind: "physical",
				nouns: ["Duvet Cover", "Sheet Set", "Pillow", "Weighted Blanket", "Mattress Topper"],
				adjectives: ["Percale", "Sateen", "Washed Linen", "Cooling", "Hypoallergenic"],
				brands: ["Dunmore", "Slumber & Co", "Linden"],
				price: [2_900, 29_900],
				variants: {
					type: "matrix",
					axes: [
						{ name: "size", values: ["single", "double", "king", "super king"], pick: [2, 4] },
						{ name: "colour", values: ["white", "grey", "sage", "terracotta", "navy"], pick: [1, 3] },
					],
				},
				attributes: { material: ["cotton", "linen", "bamboo", "down"], thread_count: ["200", "300", "400", "600"] },
				features: ["OEKO-TEX certified fabric", "hidden button closures", "deep pockets", "a breathable weave"],
				weight: [500, 8_000],
			},
			{
				slug: "decor",
				name: "Decor & Lighting",
				kind: "physical",
				nouns: ["Table Lamp", "Ceramic Vase", "Wall Mirror", "Scented Candle", "Art Print", "Floor Lamp"],
				adjectives: ["Handmade", "Minimal", "Glazed", "Brass", "Rustic"],
				brands: ["Maison Lyre", "Holm", "Atelier Nine"],
				price: [1_500, 34_900],
				variants: { type: "single" },
				attributes: { material: ["ceramic", "brass", "glass", "soy wax", "paper"], colour: COLOURS },
				features: ["a warm dimmable glow", "hand-thrown glaze", "a 60-hour burn time", "museum-grade paper"],
				weight: [200, 9_000],
			},
		],
	},
	{
		slug: "sports-outdoors",
		name: "Sports & Outdoors",
		description: "Gear for training, camping and cycling.",
		leaves: [
			{
				slug: "fitness",
				name: "Fitness",
				kind: "physical",
				nouns: ["Yoga Mat", "Adjustable Dumbbells", "Kettlebell", "Resistance Bands", "Foam Roller", "Jump Rope"],
				adjectives: ["Non-Slip", "Pro", "Travel", "Heavy-Duty", "Eco"],
				brands: ["Corefit", "Ironside", "Flowstate"],
				price: [1_200, 39_900],
				variants: {
					type: "matrix",
					axes: [{ name: "weight", values: ["4 kg", "8 kg", "12 kg", "16 kg", "24 kg"], pick: [1, 4] }],
				},
				attributes: {
					material: ["natural rubber", "cast iron", "tpe", "cork"],
					colour: ["black", "teal", "purple", "grey"],
				},
				features: ["a grippy texture", "a chip-resistant coating", "a carry strap", "colour-coded weights"],
				weight: [300, 24_000],
			},
			{
				slug: "camping",
				name: "Camping & Hiking",
				kind: "physical",
				nouns: ["Tent", "Sleeping Bag", "Hiking Backpack", "Camp Stove", "Headlamp", "Water Filter"],
				adjectives: ["Ultralight", "4-Season", "Packable", "Waterproof", "Trail"],
				brands: ["Summitline", "Northpath", "Cairn Outdoor"],
				price: [1_900, 59_900],
				variants: {
					type: "matrix",
					axes: [{ name: "colour", values: ["orange", "green", "grey", "blue"], pick: [1, 2] }],
				},
				attributes: {
					capacity: ["1 person", "2 people", "4 people", "30 l", "50 l"],
					season: ["3-season", "4-season"],
				},
				features: ["taped seams", "a 2 kg pack weight", "a 3,000 mm waterproof rating", "a lifetime repair service"],
				weight: [100, 4_500],
			},
			{
				slug: "cycling",
				name: "Cycling",
				kind: "physical",
				nouns: ["Road Helmet", "Bike Light Set", "Cycling Jersey", "Bike Lock", "Saddle Bag", "Mini Pump"],
				adjectives: ["Aero", "Reflective", "Commuter", "Gravel", "Lightweight"],
				brands: ["Veloce", "Spokewise", "Cadence"],
				price: [1_500, 24_900],
				variants: { type: "matrix", axes: [{ name: "size", values: ["S", "M", "L"], pick: [1, 3] }] },
				attributes: {
					colour: ["black", "white", "hi-vis yellow", "red"],
					material: ["polycarbonate", "aluminium", "lycra"],
				},
				features: ["MIPS protection", "USB-rechargeable LEDs", "a 500-lumen beam", "a hardened steel shackle"],
				weight: [80, 1_600],
			},
		],
	},
	{
		slug: "beauty",
		name: "Beauty & Personal Care",
		description: "Skincare, fragrance and hair care.",
		leaves: [
			{
				slug: "skincare",
				name: "Skincare",
				kind: "physical",
				nouns: ["Face Serum", "Moisturiser", "Cleansing Balm", "Sunscreen SPF 50", "Eye Cream", "Face Mask"],
				adjectives: ["Hydrating", "Vitamin C", "Gentle", "Retinol", "Fragrance-Free"],
				brands: ["Lumière", "Dewdrop", "Botanica", "Skinlab"],
				price: [900, 8_900],
				variants: { type: "matrix", axes: [{ name: "volume", values: ["30 ml", "50 ml", "100 ml"], pick: [1, 3] }] },
				attributes: { skin_type: ["dry", "oily", "combination", "sensitive"], vegan: ["yes", "no"] },
				features: ["hyaluronic acid", "niacinamide", "a light, fast-absorbing texture", "recyclable packaging"],
				weight: [50, 400],
			},
			{
				slug: "fragrance",
				name: "Fragrance",
				kind: "physical",
				nouns: ["Eau de Parfum", "Eau de Toilette", "Solid Perfume", "Room Spray"],
				adjectives: ["Amber", "Citrus", "Woody", "Floral", "Fresh"],
				brands: ["Maison Lyre", "Oud & Vetiver", "Lumière"],
				price: [2_900, 19_900],
				variants: { type: "matrix", axes: [{ name: "volume", values: ["30 ml", "50 ml", "100 ml"], pick: [1, 3] }] },
				attributes: { scent: ["amber", "citrus", "woody", "floral", "fresh"] },
				features: ["notes of bergamot and cedar", "a long-lasting dry-down", "a refillable bottle"],
				weight: [100, 500],
			},
			{
				slug: "hair-care",
				name: "Hair Care",
				kind: "physical",
				nouns: ["Shampoo", "Conditioner", "Hair Oil", "Hair Dryer", "Styling Clay"],
				adjectives: ["Repairing", "Volumising", "Sulphate-Free", "Ionic", "Argan"],
				brands: ["Botanica", "Saloncraft", "Dewdrop"],
				price: [800, 24_900],
				variants: { type: "single" },
				attributes: { hair_type: ["curly", "straight", "fine", "thick"], vegan: ["yes", "no"] },
				features: ["argan oil", "a salon-grade formula", "ionic drying", "a recyclable bottle"],
				weight: [100, 900],
			},
		],
	},
	{
		slug: "toys-games",
		name: "Toys & Games",
		description: "Board games, puzzles and building sets.",
		leaves: [
			{
				slug: "board-games",
				name: "Board Games",
				kind: "physical",
				nouns: ["Strategy Game", "Party Game", "Cooperative Game", "Card Game", "Chess Set"],
				adjectives: ["Family", "Deluxe", "Pocket", "Legacy", "Classic"],
				brands: ["Meeple Works", "Tabletop Co", "Rook & Pawn"],
				price: [1_200, 8_900],
				variants: { type: "single" },
				attributes: { players: ["1-4", "2-4", "2-6", "3-8"], age: ["6+", "8+", "10+", "14+"] },
				features: ["45-minute games", "beautifully illustrated cards", "an easy-to-learn rulebook"],
				weight: [300, 2_500],
			},
			{
				slug: "puzzles",
				name: "Puzzles",
				kind: "physical",
				nouns: ["Jigsaw Puzzle", "3D Puzzle", "Puzzle Box", "Brain Teaser Set"],
				adjectives: ["1000-Piece", "Wooden", "Panoramic", "Mini"],
				brands: ["Tessera", "Meeple Works"],
				price: [900, 5_900],
				variants: { type: "single" },
				attributes: { pieces: ["500", "1000", "1500", "2000"], age: ["8+", "12+", "14+"] },
				features: ["a poster guide", "thick recycled board", "a snug fit"],
				weight: [300, 1_500],
			},
			{
				slug: "building-sets",
				name: "Building Sets",
				kind: "physical",
				nouns: ["Building Set", "Marble Run", "Robot Kit", "Magnetic Tiles"],
				adjectives: ["Creative", "STEM", "Starter", "Master"],
				brands: ["Brickwise", "Tinker Labs"],
				price: [1_900, 19_900],
				variants: { type: "single" },
				attributes: { age: ["4+", "6+", "8+", "12+"], pieces: ["100", "250", "500", "1000"] },
				features: ["compatible bricks", "step-by-step instructions", "an app-controlled motor"],
				weight: [400, 3_000],
			},
		],
	},
	{
		slug: "books-ebooks",
		name: "Books & eBooks",
		description: "eBooks and audiobooks, delivered instantly.",
		leaves: [
			{
				slug: "fiction-ebooks",
				name: "Fiction eBooks",
				kind: "digital",
				nouns: [
					"The Lighthouse Keeper",
					"Winter Orchard",
					"A Map of Small Hours",
					"The Salt Road",
					"Glass Cities",
					"Northern Tide",
				],
				adjectives: ["Novel:", "Thriller:", "Mystery:", "Saga:"],
				brands: ["Harbor Press", "Quill & Ink", "Meridian Books"],
				price: [499, 1_999],
				variants: {
					type: "tiers",
					name: "format",
					tiers: [
						{ label: "EPUB", pct: 100 },
						{ label: "PDF", pct: 100 },
					],
				},
				attributes: {
					format: ["epub", "pdf"],
					genre: ["literary", "thriller", "mystery", "fantasy", "sci-fi", "romance"],
					language: ["english", "french", "german"],
				},
				features: ["a gripping plot", "unforgettable characters", "a twist you will not see coming"],
				digital: { formats: ["EPUB", "PDF"], delivery: "download", mb: [1, 12] },
			},
			{
				slug: "nonfiction-ebooks",
				name: "Non-fiction eBooks",
				kind: "digital",
				nouns: [
					"Practical TypeScript",
					"The Bread Handbook",
					"Deep Work Habits",
					"A Short History of Maps",
					"Field Guide to Birds",
				],
				adjectives: ["Guide:", "Handbook:", "Essays:", "Cookbook:"],
				brands: ["Harbor Press", "Lantern Editions", "Meridian Books"],
				price: [799, 3_499],
				variants: {
					type: "tiers",
					name: "format",
					tiers: [
						{ label: "EPUB", pct: 100 },
						{ label: "PDF", pct: 110 },
					],
				},
				attributes: {
					format: ["epub", "pdf"],
					genre: ["programming", "cooking", "history", "nature", "self-help"],
					language: ["english", "spanish"],
				},
				features: ["worked examples", "clear illustrations", "an expert author"],
				digital: { formats: ["EPUB", "PDF"], delivery: "download", mb: [2, 60] },
			},
			{
				slug: "audiobooks",
				name: "Audiobooks",
				kind: "digital",
				nouns: ["The Quiet Harbour", "Letters from Kyoto", "The Long Game", "Stormlight Valley"],
				adjectives: ["Unabridged:", "Narrated:"],
				brands: ["Echo Audio", "Harbor Press"],
				price: [999, 2_999],
				variants: { type: "single" },
				attributes: {
					format: ["mp3", "m4b"],
					genre: ["literary", "thriller", "history", "biography"],
					language: ["english"],
				},
				features: ["an award-winning narrator", "over ten hours of listening", "chapter markers"],
				digital: { formats: ["MP3", "M4B"], delivery: "download", mb: [200, 900] },
			},
		],
	},
	{
		slug: "software",
		name: "Software",
		description: "Licences for productivity, security and creative tools.",
		leaves: [
			{
				slug: "productivity-software",
				name: "Productivity",
				kind: "digital",
				nouns: ["Office Suite", "Note-Taking App", "PDF Editor", "Task Manager", "Mind Mapper"],
				adjectives: ["Pro", "Home", "Business", "Studio"],
				brands: ["Northbyte", "Quanta Labs", "Paperlane"],
				price: [1_999, 19_999],
				variants: {
					type: "tiers",
					name: "licence",
					tiers: [
						{ label: "1 device", pct: 100 },
						{ label: "3 devices", pct: 180 },
						{ label: "5 devices", pct: 250 },
					],
				},
				attributes: { platform: ["windows", "macos", "linux", "cross-platform"], licence: ["perpetual", "1 year"] },
				features: ["offline mode", "end-to-end encrypted sync", "free updates for a year"],
				digital: { formats: ["Installer"], delivery: "license_key", mb: [50, 900] },
			},
			{
				slug: "security-software",
				name: "Security",
				kind: "digital",
				nouns: ["Antivirus", "Password Manager", "VPN", "Backup Suite"],
				adjectives: ["Total", "Family", "Essential", "Premium"],
				brands: ["Shieldware", "Cobalt Secure", "Vaultline"],
				price: [1_499, 9_999],
				variants: {
					type: "tiers",
					name: "licence",
					tiers: [
						{ label: "1 device", pct: 100 },
						{ label: "5 devices", pct: 200 },
						{ label: "10 devices", pct: 300 },
					],
				},
				attributes: {
					platform: ["windows", "macos", "android", "ios", "cross-platform"],
					licence: ["1 year", "2 years"],
				},
				features: ["real-time protection", "zero-knowledge encryption", "a no-logs policy"],
				digital: { formats: ["Installer"], delivery: "license_key", mb: [20, 400] },
			},
			{
				slug: "creative-software",
				name: "Creative",
				kind: "digital",
				nouns: ["Photo Editor", "Video Editor", "Music Studio", "Font Pack", "3D Modeller"],
				adjectives: ["Pro", "Lite", "Studio", "Complete"],
				brands: ["Pixelforge", "Halide Works", "Waveform"],
				price: [2_999, 39_999],
				variants: {
					type: "tiers",
					name: "licence",
					tiers: [
						{ label: "Personal", pct: 100 },
						{ label: "Commercial", pct: 220 },
					],
				},
				attributes: { platform: ["windows", "macos", "cross-platform"], licence: ["perpetual", "1 year"] },
				features: ["GPU-accelerated rendering", "RAW support", "hundreds of presets"],
				digital: { formats: ["Installer", "ZIP"], delivery: "license_key", mb: [100, 4_000] },
			},
		],
	},
	{
		slug: "garden-diy",
		name: "Garden & DIY",
		description: "Tools, plants and everything for the shed.",
		leaves: [
			{
				slug: "tools",
				name: "Tools",
				kind: "physical",
				nouns: ["Cordless Drill", "Socket Set", "Laser Level", "Hand Saw", "Tool Box", "Multi-Tool"],
				adjectives: ["18V", "Brushless", "Compact", "Heavy-Duty", "Precision"],
				brands: ["Ironside", "Torq", "Forge & Anvil"],
				price: [1_500, 29_900],
				variants: { type: "single" },
				attributes: { power: ["cordless", "corded", "manual"], material: ["steel", "chrome vanadium", "fibreglass"] },
				features: ["two batteries included", "a carry case", "a lifetime warranty"],
				weight: [200, 5_000],
			},
			{
				slug: "plants-seeds",
				name: "Plants & Seeds",
				kind: "physical",
				nouns: ["Herb Seed Kit", "Olive Tree", "Monstera", "Wildflower Seeds", "Terracotta Planter", "Lavender Plant"],
				adjectives: ["Organic", "Indoor", "Heirloom", "Pollinator-Friendly", "Potted"],
				brands: ["Greenhouse & Co", "Sow Well", "Botanica"],
				price: [499, 9_900],
				variants: { type: "matrix", axes: [{ name: "size", values: ["small", "medium", "large"], pick: [1, 3] }] },
				attributes: { light: ["full sun", "partial shade", "shade"], care: ["easy", "moderate"] },
				features: ["peat-free compost", "a care card", "hand-picked stock"],
				weight: [50, 12_000],
			},
		],
	},
	{
		slug: "grocery",
		name: "Grocery & Gourmet",
		description: "Coffee, tea and snacks worth sharing.",
		leaves: [
			{
				slug: "coffee-tea",
				name: "Coffee & Tea",
				kind: "physical",
				nouns: ["Single-Origin Coffee", "Espresso Blend", "Green Tea", "Earl Grey", "Chai Blend", "Matcha"],
				adjectives: ["Ethiopian", "Colombian", "Organic", "Decaf", "Ceremonial"],
				brands: ["Roastery North", "Leaf & Kettle", "Morning Ritual"],
				price: [699, 3_499],
				variants: {
					type: "matrix",
					axes: [
						{ name: "weight", values: ["250 g", "500 g", "1 kg"], pick: [1, 3] },
						{ name: "grind", values: ["whole bean", "espresso", "filter"], pick: [1, 2] },
					],
				},
				attributes: { roast: ["light", "medium", "dark"], origin: ["ethiopia", "colombia", "kenya", "japan", "india"] },
				features: ["tasting notes of chocolate and cherry", "ethical sourcing", "roasted to order"],
				weight: [250, 1_000],
			},
			{
				slug: "snacks",
				name: "Snacks",
				kind: "physical",
				nouns: ["Dark Chocolate Bar", "Salted Almonds", "Granola", "Olive Oil Crisps", "Fruit Jerky"],
				adjectives: ["Artisan", "Sea-Salted", "Vegan", "Gluten-Free", "Spiced"],
				brands: ["Goodcrumb", "Cacao & Co", "Pantry Club"],
				price: [299, 1_999],
				variants: { type: "single" },
				attributes: { diet: ["vegan", "gluten-free", "keto", "none"], allergens: ["nuts", "none", "milk"] },
				features: ["small-batch production", "no artificial flavours", "compostable packaging"],
				weight: [80, 800],
			},
		],
	},
	{
		slug: "services",
		name: "Services",
		description: "Installation, repairs and lessons, booked online.",
		leaves: [
			{
				slug: "installation",
				name: "Installation",
				kind: "service",
				nouns: [
					"TV Wall Mounting",
					"Smart Home Setup",
					"Washing Machine Installation",
					"Furniture Assembly",
					"Wi-Fi Network Setup",
				],
				adjectives: ["Same-Week", "Standard", "Express", "Weekend"],
				brands: ["Bazaar Services", "HandyPro", "Installr"],
				price: [4_900, 24_900],
				variants: {
					type: "tiers",
					name: "slot",
					tiers: [
						{ label: "Weekday", pct: 100 },
						{ label: "Evening", pct: 120 },
						{ label: "Weekend", pct: 140 },
					],
				},
				attributes: { area: ["london", "paris", "berlin", "new york", "remote"], visit: ["in-home", "remote"] },
				features: ["a vetted, insured technician", "all fixings included", "a 90-day workmanship guarantee"],
				service: { durations: [60, 90, 120, 180], billing: "one_time", booking: "appointment" },
			},
			{
				slug: "repairs",
				name: "Repairs",
				kind: "service",
				nouns: [
					"Phone Screen Repair",
					"Laptop Battery Replacement",
					"Bike Service",
					"Watch Battery Swap",
					"Shoe Resoling",
				],
				adjectives: ["Express", "Standard", "Premium"],
				brands: ["FixHub", "Bazaar Services", "Mendwell"],
				price: [1_900, 19_900],
				variants: { type: "single" },
				attributes: { area: ["london", "paris", "berlin", "new york"], visit: ["drop-off", "in-home"] },
				features: ["genuine parts", "a same-day turnaround", "a 6-month warranty"],
				service: { durations: [30, 60, 120], billing: "one_time", booking: "appointment" },
			},
			{
				slug: "lessons",
				name: "Lessons & Classes",
				kind: "service",
				nouns: ["Guitar Lesson", "Pasta-Making Class", "Yoga Session", "Photography Workshop", "Language Tutoring"],
				adjectives: ["Beginner", "Private", "Small-Group", "Online", "Advanced"],
				brands: ["Learnly", "Bazaar Services", "Studio Nine"],
				price: [2_500, 14_900],
				variants: {
					type: "tiers",
					name: "sessions",
					tiers: [
						{ label: "1 session", pct: 100 },
						{ label: "5 sessions", pct: 450 },
					],
				},
				attributes: { level: ["beginner", "intermediate", "advanced"], visit: ["online", "in-person"] },
				features: ["a friendly expert teacher", "all materials provided", "flexible rescheduling"],
				service: { durations: [45, 60, 90, 180], billing: "one_time", booking: "appointment" },
			},
		],
	},
	{
		slug: "subscriptions",
		name: "Subscriptions",
		description: "Boxes and memberships that keep on giving.",
		leaves: [
			{
				slug: "subscription-boxes",
				name: "Subscription Boxes",
				kind: "service",
				nouns: ["Coffee Subscription Box", "Snack Box", "Book Club Box", "Plant Box", "Craft Kit Box"],
				adjectives: ["Monthly", "Discovery", "Deluxe", "Family"],
				brands: ["Boxwell", "Roastery North", "Pantry Club"],
				price: [1_900, 5_900],
				variants: {
					type: "tiers",
					name: "plan",
					tiers: [
						{ label: "Monthly", pct: 100 },
						{ label: "Quarterly prepaid", pct: 280 },
					],
				},
				attributes: { theme: ["coffee", "snacks", "books", "plants", "crafts"], delivery: ["monthly", "bi-monthly"] },
				features: ["free delivery", "skip or cancel any time", "a surprise in every box"],
				service: { durations: [null], billing: "monthly", booking: "none" },
			},
			{
				slug: "memberships",
				name: "Memberships",
				kind: "service",
				nouns: ["Bazaar Plus Membership", "Streaming Membership", "Gym Pass", "Museum Membership"],
				adjectives: ["Annual", "Family", "Student", "Premium"],
				brands: ["Bazaar", "Flowstate", "Citypass"],
				price: [2_900, 19_900],
				variants: { type: "single" },
				attributes: {
					perks: ["free delivery", "early access", "discounts"],
					audience: ["individual", "family", "student"],
				},
				features: ["member-only prices", "early access to sales", "cancel any time"],
				service: { durations: [null], billing: "yearly", booking: "none" },
			},
		],
	},
];
