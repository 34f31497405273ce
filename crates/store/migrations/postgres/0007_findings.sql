-- Vigil schema v7: what a crew found. A guard's photo from the site, kept with the incident
-- (the words of the report go to the incident's journal).
CREATE TABLE incident_photos (
    id          BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    crew_id     BIGINT NOT NULL REFERENCES crews (id),
    at          BIGINT NOT NULL,
    mime        TEXT   NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes       BYTEA  NOT NULL
);
CREATE INDEX incident_photos_incident ON incident_photos (incident_id, id);
