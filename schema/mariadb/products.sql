CREATE TABLE IF NOT EXISTS `products` (
  `sku` VARCHAR(255) NOT NULL,
  `title` VARCHAR(128) NOT NULL,
  `category` VARCHAR(255) NOT NULL,
  `price` DECIMAL(10,2) NOT NULL,
  `status` ENUM('draft','live','retired') NOT NULL,
  `tags` SET('sale','new-in','gift') NOT NULL,
  `launched` YEAR NULL,
  `order` INT NOT NULL,
  `notes` MEDIUMTEXT NULL,
  `updated_at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`sku`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS `ix_products_category_title` ON `products` (`category`, `title`);
CREATE UNIQUE INDEX IF NOT EXISTS `ux_products_title` ON `products` (`title`);
