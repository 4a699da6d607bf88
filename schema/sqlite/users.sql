CREATE TABLE IF NOT EXISTS "users" (
  "id" INTEGER PRIMARY KEY,
  "name" TEXT NOT NULL,
  "age" INTEGER NOT NULL,
  "score" REAL NOT NULL,
  "created_at" DATETIME NOT NULL,
  "bio" TEXT
);
CREATE INDEX IF NOT EXISTS "ix_users_age" ON "users" ("age");
CREATE INDEX IF NOT EXISTS "ix_users_created_at" ON "users" ("created_at");
