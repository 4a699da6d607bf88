CREATE TABLE IF NOT EXISTS "org_membership" (
  "org_id" INTEGER NOT NULL,
  "user_id" INTEGER NOT NULL,
  "role" TEXT NOT NULL,
  "since" DATE,
  PRIMARY KEY ("org_id", "user_id")
);
