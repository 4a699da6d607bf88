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
CREATE TRIGGER IF NOT EXISTS "tu_products_updated_at" AFTER UPDATE ON "products" FOR EACH ROW WHEN NEW."updated_at" IS OLD."updated_at" AND (NEW."sku" IS NOT OLD."sku" OR NEW."title" IS NOT OLD."title" OR NEW."category" IS NOT OLD."category" OR NEW."price" IS NOT OLD."price" OR NEW."status" IS NOT OLD."status" OR NEW."tags" IS NOT OLD."tags" OR NEW."launched" IS NOT OLD."launched" OR NEW."order" IS NOT OLD."order" OR NEW."notes" IS NOT OLD."notes") BEGIN UPDATE "products" SET "updated_at" = (strftime('%Y-%m-%d %H:%M:%f', 'now') || '000') WHERE "sku" IS NEW."sku"; END;
