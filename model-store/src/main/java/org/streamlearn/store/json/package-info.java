/** The one shared Jackson configuration ({@link org.streamlearn.store.json.Json}). */
package org.streamlearn.store.json;
