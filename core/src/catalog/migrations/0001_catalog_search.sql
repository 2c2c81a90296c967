-- Full-text search over products (drizzle-kit cannot express FTS5 or triggers, so this is a
-- custom migration). The index is keyed by products.seq, an INTEGER PRIMARY KEY that VACUUM
-- never renumbers. `category` holds the product's category name and its parent's, so a search
-- for "audio" finds headphones filed under Electronics › Audio. Triggers keep it in sync with
-- every write, in the writer's own transaction.
CREATE VIRTUAL TABLE `product_search` USING fts5(
	title,
	brand,
	description,
	category,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
CREATE TRIGGER `products_search_ai` AFTER INSERT ON `products` BEGIN
	INSERT INTO product_search (rowid, title, brand, description, category)
	VALUES (
		new.seq,
		new.title,
		coalesce(new.brand, ''),
		new.description,
		coalesce((
			SELECT c.name || ' ' || coalesce(p.name, '')
			FROM categories c LEFT JOIN categories p ON p.id = c.parent_id
			WHERE c.id = new.category_id
		), '')
	);
END;
--> statement-breakpoint
CREATE TRIGGER `products_search_au` AFTER UPDATE OF title, brand, description, category_id ON `products` BEGIN
	UPDATE product_search SET
		title = new.title,
		brand = coalesce(new.brand, ''),
		description = new.description,
		category = coalesce((
			SELECT c.name || ' ' || coalesce(p.name, '')
			FROM categories c LEFT JOIN categories p ON p.id = c.parent_id
			WHERE c.id = new.category_id
		), '')
	WHERE rowid = new.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `products_search_ad` AFTER DELETE ON `products` BEGIN
	DELETE FROM product_search WHERE rowid = old.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `categories_search_au` AFTER UPDATE OF name, parent_id ON `categories` BEGIN
	UPDATE product_search SET category = coalesce((
		SELECT c.name || ' ' || coalesce(p.name, '')
		FROM products pr
		JOIN categories c ON c.id = pr.category_id
		LEFT JOIN categories p ON p.id = c.parent_id
		WHERE pr.seq = product_search.rowid
	), '')
	WHERE rowid IN (
		SELECT seq FROM products
		WHERE category_id = new.id OR category_id IN (SELECT id FROM categories WHERE parent_id = new.id)
	);
END;
--> statement-breakpoint
-- The catalog version starts at 0; every write transaction bumps it.
INSERT INTO `catalog_meta` (`id`, `version`) VALUES (1, 0) ON CONFLICT DO NOTHING;
