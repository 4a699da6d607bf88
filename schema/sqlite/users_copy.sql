CREATE TABLE IF NOT EXISTS "users_copy" (
  "id" INTEGER PRIMARY KEY,
  "name" TEXT NOT NULL,
  "age" INTEGER NOT NULL,
  "score" REAL NOT NULL,
  "created_at" DATETIME NOT NULL,
  "bio" TEXT
);
CREATE INDEX IF NOT EXISTS "ix_users_copy_age" ON "users_copy" ("age");
