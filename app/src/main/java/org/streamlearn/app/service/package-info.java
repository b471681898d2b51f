/**
 * Running the service: topics prepared and checked, Kafka Streams configured from the typed config and started,
 * the HTTP API alongside.
 */
package org.streamlearn.app.service;
