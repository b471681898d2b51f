/**
 * Argument checks shared by the spec records and the state codecs
 * ({@link org.streamlearn.store.check.Checks}): one wording for every range, presence and choice error, each
 * naming the field by its JSON path, each package throwing its own exception type.
 */
package org.streamlearn.store.check;
