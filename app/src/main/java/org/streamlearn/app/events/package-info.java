/**
 * Event formats (DESIGN.md "Events"): parsing training events and prediction requests from JSON with errors
 * that name the field, and encoding them into the learning core's dense feature vectors for a given spec.
 */
package org.streamlearn.app.events;
