<<<<<<<< HEAD:schema/sqlite/join_departments.sql
CREATE TABLE IF NOT EXISTS "join_departments" (
========
CREATE TABLE IF NOT EXISTS "depts" (
>>>>>>>> d0c0a3f (Joins: a one-to-many page on MariaDB (an ORDER BY past the query table's key, which MariaDB sorts instead of reading an index) reads chunks of at most n of the query table's rows, probed in its index, each WHERE bounded above by the chunk's last row, so the server sorts one chunk's rows, not the rest of the table (SQLite orders nested loops by their indexes already); EXPLAIN tests of a one-to-many page on both backends; golden SQL of join pages, pinned and unpinned joined models and chunk bounds; compile-time refusals of a self-join and of a where() on a model not joined; the join tests' department table is depts (departments is test_existing_schema's)):schema/sqlite/depts.sql
  "id" INTEGER PRIMARY KEY,
  "name" TEXT NOT NULL
);
