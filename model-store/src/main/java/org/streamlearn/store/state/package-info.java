/**
 * Model snapshots: {@link org.streamlearn.store.state.ModelState} (model id, version, spec and everything
 * learned) and its two codecs, {@link org.streamlearn.store.state.JsonStateCodec} (published, readable, with
 * logical type names; rejects non-finite numbers) and {@link org.streamlearn.store.state.BinaryStateCodec}
 * (compact, for the state store). Both carry {@code schemaVersion}; unknown versions fail loudly.
 */
package org.streamlearn.store.state;
