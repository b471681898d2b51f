/** streamlearn app. */
package org.streamlearn.app;
