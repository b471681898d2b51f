/**
 * The HTTP API: a {@link org.streamlearn.app.http.Router} (method + path, the model id decoded once), resource
 * handlers that only parse, call and render, a {@link org.streamlearn.app.http.MetadataService} (who owns a
 * model, which instances exist, the advertised address), the routes of one model (served here, forwarded once to
 * the owner by the {@link org.streamlearn.app.http.Forwarder}, or read from a local standby while the owner is
 * unavailable), the cluster-wide, paged list of models (a fan-out to every instance), a
 * {@link org.streamlearn.app.http.CommandClient} producing model commands, a bounded
 * {@link org.streamlearn.app.http.ModelCache} of decoded snapshots and the dashboard's static files; wired by
 * {@link org.streamlearn.app.http.HttpApi}.
 */
package org.streamlearn.app.http;
