/**
 * The HTTP API: predictions and model snapshots served from the model store by interactive queries, routed to
 * the instance that owns the model; spec changes produced as model commands.
 */
package org.streamlearn.app.http;
