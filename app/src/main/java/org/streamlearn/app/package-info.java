/** The streamlearn application: command line, event formats, backtests and (later) the Kafka Streams service. */
package org.streamlearn.app;
