CREATE TABLE IF NOT EXISTS `org_membership` (
  `org_id` BIGINT NOT NULL,
  `user_id` BIGINT NOT NULL,
  `role` MEDIUMTEXT NOT NULL,
  `since` DATE NULL,
  PRIMARY KEY (`org_id`, `user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
