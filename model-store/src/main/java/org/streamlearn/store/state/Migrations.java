package org.streamlearn.store.state;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Brings an older snapshot up to {@link ModelState#SCHEMA_VERSION}, one explicit step per version, and refuses
 * versions this build does not know. Version 1 is the first: there is nothing to migrate yet; a future
 * version 2 adds a {@code 1 → 2} step here and keeps the golden files of version 1 loading.
 */
public final class Migrations {

    private Migrations() {
    }

    /** The snapshot in the current schema; fails loudly for unknown versions. */
    public static JsonNode toCurrent(int schemaVersion, JsonNode snapshot) {
        check(schemaVersion);
        return snapshot;
    }

    /** Throws unless this build reads {@code schemaVersion}. */
    public static void check(int schemaVersion) {
        if (schemaVersion > ModelState.SCHEMA_VERSION) {
            throw new StateFormatException("schemaVersion", schemaVersion + " is newer than this build reads ("
                    + ModelState.SCHEMA_VERSION + "): upgrade streamlearn");
        }
        if (schemaVersion < 1) {
            throw new StateFormatException("schemaVersion", "unknown version " + schemaVersion);
        }
    }
}
