-- Vigil schema v10: the language each staff login reads the pages in (en, ro, hu, fi, nb, fr;
-- NULL: the browser's).
ALTER TABLE users ADD COLUMN language TEXT NULL;
