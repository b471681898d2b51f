/**
 * The service's typed configuration: one validated record ({@link org.streamlearn.app.config.ServiceConfig}),
 * loaded from {@code streamlearn.properties}, environment variables and command-line flags (later sources win);
 * topic names live in {@link org.streamlearn.app.config.Topics}, once.
 */
package org.streamlearn.app.config;
