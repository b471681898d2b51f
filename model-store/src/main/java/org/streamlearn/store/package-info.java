/** streamlearn store. */
package org.streamlearn.store;
