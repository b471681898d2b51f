/** The demo: a synthetic labeled stream with a concept drift, and the live terminal display. */
package org.streamlearn.app.demo;
