-- The operator dashboard: crew members sign in (role 'crew'), and crews' phones report
-- positions by a device id (Traccar Client / OsmAnd protocol).
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('operator', 'supervisor', 'customer', 'admin', 'crew'));
ALTER TABLE crews ADD COLUMN device_id TEXT NULL;
CREATE UNIQUE INDEX crews_device_id ON crews (device_id);
