CREATE TABLE IF NOT EXISTS `users` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `name` MEDIUMTEXT NOT NULL,
  `age` INT NOT NULL,
  `score` DOUBLE NOT NULL,
  `created_at` DATETIME(6) NOT NULL,
  `bio` MEDIUMTEXT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS `ix_users_age` ON `users` (`age`);
CREATE INDEX IF NOT EXISTS `ix_users_created_at` ON `users` (`created_at`);
