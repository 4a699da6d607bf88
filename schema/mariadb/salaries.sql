CREATE TABLE IF NOT EXISTS `salaries` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `emp_no` BIGINT NULL,
  `amount` INT NOT NULL,
  `from_date` DATE NOT NULL,
  `note` MEDIUMTEXT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS `ix_salaries_from_date` ON `salaries` (`from_date`);
CREATE INDEX IF NOT EXISTS `ix_salaries_emp_no` ON `salaries` (`emp_no`);
