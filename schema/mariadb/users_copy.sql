CREATE TABLE IF NOT EXISTS `users_copy` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `name` MEDIUMTEXT NOT NULL,
  `age` INT NOT NULL,
  `score` DOUBLE NOT NULL,
  `created_at` DATETIME(6) NOT NULL,
  `bio` MEDIUMTEXT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS `ix_users_copy_age` ON `users_copy` (`age`);
