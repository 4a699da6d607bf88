CREATE TABLE IF NOT EXISTS "salaries" (
  "id" INTEGER PRIMARY KEY,
  "emp_no" INTEGER,
  "amount" INTEGER NOT NULL,
  "from_date" DATE NOT NULL,
  "note" TEXT
);
CREATE INDEX IF NOT EXISTS "ix_salaries_from_date" ON "salaries" ("from_date");
CREATE INDEX IF NOT EXISTS "ix_salaries_emp_no" ON "salaries" ("emp_no");
