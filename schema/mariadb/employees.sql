CREATE TABLE IF NOT EXISTS `employees` (
  `emp_no` BIGINT NOT NULL,
  `name` MEDIUMTEXT NOT NULL,
  `hire_date` DATE NOT NULL,
  `dept_id` BIGINT NULL,
  PRIMARY KEY (`emp_no`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS `ix_employees_hire_date` ON `employees` (`hire_date`);
CREATE INDEX IF NOT EXISTS `ix_employees_dept_id` ON `employees` (`dept_id`);
