CREATE TABLE IF NOT EXISTS "employees" (
  "emp_no" INTEGER NOT NULL,
  "name" TEXT NOT NULL,
  "hire_date" DATE NOT NULL,
  "dept_id" INTEGER,
  PRIMARY KEY ("emp_no")
);
CREATE INDEX IF NOT EXISTS "ix_employees_hire_date" ON "employees" ("hire_date");
CREATE INDEX IF NOT EXISTS "ix_employees_dept_id" ON "employees" ("dept_id");
