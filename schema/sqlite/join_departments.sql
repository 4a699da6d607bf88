CREATE TABLE IF NOT EXISTS "join_departments" (
  "id" INTEGER PRIMARY KEY,
  "name" TEXT NOT NULL
);
