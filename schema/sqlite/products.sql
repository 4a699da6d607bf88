CREATE TABLE IF NOT EXISTS "products" (
  "sku" TEXT NOT NULL,
  "title" VARCHAR(128) NOT NULL,
  "category" TEXT NOT NULL,
  "price" DECIMAL(10,2) NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('draft','live','retired')),
  "tags" TEXT NOT NULL,
  "launched" INTEGER,
  "order" INTEGER NOT NULL,
  "notes" TEXT,
  "updated_at" TIMESTAMP(3) NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
  PRIMARY KEY ("sku")
);
CREATE INDEX IF NOT EXISTS "ix_products_category_title" ON "products" ("category", "title");
CREATE UNIQUE INDEX IF NOT EXISTS "ux_products_title" ON "products" ("title");
